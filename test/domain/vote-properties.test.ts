import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Reply } from "../../src/app/views.js";
import { decide, type DecisionResult } from "../../src/domain/decision.js";
import { isUserError } from "../../src/domain/errors.js";
import type { Policy } from "../../src/domain/policy.js";
import type { Vote, VoteChoice } from "../../src/domain/types.js";
import { describeVoteChange, validateVote } from "../../src/domain/votes.js";
import { INPUT_LIMITS } from "../../src/domain/limits.js";
import { channel, createTestCore, person } from "../helpers/core.js";
import { makeRelease, NOW, policy as withDefaults } from "./fixtures.js";

/** alice creates the release, so she is its manager. */
const MANAGER_NAME = "alice";
const MANAGER = `terminal:${MANAGER_NAME}`;
const VOTERS = [MANAGER_NAME, "bob", "carol", "dave", "erin"] as const;
type Voter = (typeof VOTERS)[number];
const SIGN_OFF_ROLES = ["qa", "security"];

type Action = { kind: "vote"; voter: Voter; choice: VoteChoice; reason: string | null } | { kind: "retract"; voter: Voter };

interface Scenario {
  policy: Pick<Policy, "quorum" | "require" | "veto" | "selfApproval" | "noGoReason">;
  roles: Record<Voter, string[]>;
  actions: Action[];
}

const TOO_LONG = "x".repeat(INPUT_LIMITS.voteReason.max + 1);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("vote" as const),
      voter: fc.constantFrom(...VOTERS),
      choice: fc.constantFrom<VoteChoice>("go", "no_go", "abstain"),
      reason: fc.constantFrom<string | null>(null, null, "migration not tested", "needs a canary", TOO_LONG),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("retract" as const), voter: fc.constantFrom(...VOTERS) }) },
);

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  policy: fc.record({
    quorum: fc.integer({ min: 1, max: 3 }),
    require: fc.subarray(SIGN_OFF_ROLES),
    veto: fc.boolean(),
    selfApproval: fc.boolean(),
    noGoReason: fc.constantFrom<Policy["noGoReason"]>("required", "optional"),
  }),
  roles: fc.record(Object.fromEntries(VOTERS.map((v) => [v, fc.subarray(SIGN_OFF_ROLES)])) as Record<Voter, fc.Arbitrary<string[]>>),
  actions: fc.array(actionArb, { minLength: 1, maxLength: 25 }),
});

interface Step {
  action: Action;
  /** The person is told no, and nothing changes. */
  refused: boolean;
  /** A vote identical to the current one: nothing to record. */
  noop: boolean;
}

interface Model {
  votes: Vote[];
  steps: Step[];
}

/** Applies the sequence through the domain rules the way the vote use case does. */
function runModel(s: Scenario, clockStart: number): Model {
  const release = makeRelease({ managerId: MANAGER, managerName: MANAGER_NAME });
  const policy = withDefaults(s.policy);
  let votes: Vote[] = [];
  const steps: Step[] = [];
  s.actions.forEach((action, i) => {
    const id = `terminal:${action.voter}`;
    const previous = votes.find((v) => v.voter === id);
    if (action.kind === "retract") {
      if (!previous) return steps.push({ action, refused: true, noop: false });
      votes = votes.filter((v) => v.voter !== id);
      return steps.push({ action, refused: false, noop: false });
    }
    let cleaned: string | null;
    try {
      cleaned = validateVote(release, action.choice, action.reason, policy);
    } catch (e) {
      if (!isUserError(e)) throw e;
      return steps.push({ action, refused: true, noop: false });
    }
    if (action.choice === "go" && !policy.selfApproval && id === MANAGER) return steps.push({ action, refused: true, noop: false });
    if (describeVoteChange(previous, action.choice) === "unchanged" && (previous?.reason ?? null) === cleaned) {
      return steps.push({ action, refused: false, noop: true });
    }
    const next: Vote = { voter: id, voterName: action.voter, choice: action.choice, reason: cleaned, roles: [...s.roles[action.voter]].sort(), at: clockStart + (i + 1) * 1000 };
    votes = [...votes.filter((v) => v.voter !== id), next];
    return steps.push({ action, refused: false, noop: false });
  });
  return { votes, steps };
}

/** Independently of the model: each voter's current vote is their last accepted action. */
function lastAcceptedActions(steps: Step[]): Map<string, Action> {
  const last = new Map<string, Action>();
  for (const s of steps) if (!s.refused && !s.noop) last.set(`terminal:${s.action.voter}`, s.action);
  for (const [voter, a] of [...last]) if (a.kind === "retract") last.delete(voter);
  return last;
}

const sameDecision = (a: DecisionResult, b: DecisionResult) => {
  expect(a.decision).toBe(b.decision);
  expect(a.goCount).toBe(b.goCount);
  expect([...a.reasons].sort()).toEqual([...b.reasons].sort());
};

const policyText = (p: Scenario["policy"]) =>
  `policy set quorum=${p.quorum} require=${p.require.length ? p.require.join(",") : "none"} veto=${p.veto ? "on" : "off"} self_approval=${p.selfApproval ? "on" : "off"} no_go_reason=${p.noGoReason}`;

const commandText = (a: Action) =>
  a.kind === "retract" ? "retract R-1" : `vote R-1 ${a.choice === "no_go" ? "no-go" : a.choice}${a.reason ? ` ${a.reason}` : ""}`;

const isError = (r: Reply) => r.type === "message" && r.error;

describe("any sequence of votes, changes and retractions", () => {
  it("leaves at most one current vote per voter, each the voter's last accepted action, and a decision equal to recomputing from scratch (domain)", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const model = runModel(s, NOW);
        const policy = withDefaults(s.policy);

        expect(new Set(model.votes.map((v) => v.voter)).size).toBe(model.votes.length);

        const last = lastAcceptedActions(model.steps);
        expect(model.votes.map((v) => v.voter).sort()).toEqual([...last.keys()].sort());
        for (const v of model.votes) {
          const a = last.get(v.voter)!;
          expect(a.kind === "vote" && a.choice).toBe(v.choice);
          expect(a.kind === "vote" && (a.reason?.trim() || null)).toBe(v.reason);
        }

        // The decision does not depend on the order the votes came in.
        const fromScratch = [...last].map(([voter, a]) => {
          const name = voter.slice("terminal:".length) as Voter;
          return { voter, voterName: name, choice: (a as Extract<Action, { kind: "vote" }>).choice, reason: (a as Extract<Action, { kind: "vote" }>).reason?.trim() || null, roles: [...s.roles[name]].sort(), at: 0 };
        });
        sameDecision(decide(model.votes, policy, MANAGER), decide(fromScratch.reverse(), policy, MANAGER));

        // What the rules promise, whatever happened before.
        const d = decide(model.votes, policy, MANAGER);
        if (policy.veto && model.votes.some((v) => v.choice === "no_go")) expect(d.decision).toBe("no_go");
        if (d.decision === "go") expect(d.reasons).toEqual([]);
        else expect(d.reasons.length).toBeGreaterThan(0);
        for (const v of model.votes) {
          if (v.choice === "no_go" && policy.noGoReason === "required") expect(v.reason).not.toBeNull();
          expect((v.reason ?? "").length).toBeLessThanOrEqual(INPUT_LIMITS.voteReason.max);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("through the bot on SQLite: one vote row per voter matching their last action, every change audited, and the card's decision equal to decide recomputed", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const core = createTestCore();
        try {
          const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
          const setup = [policyText(s.policy), ...VOTERS.flatMap((v) => s.roles[v].map((r) => `role grant ${v} ${r}`))];
          for (const text of setup) expect(isError(await say("admin", text)), text).toBe(false);
          expect(isError(await say(MANAGER_NAME, "create payments 1.4.2"))).toBe(false);

          const start = core.clock.now();
          const model = runModel(s, start);
          for (const step of model.steps) {
            core.clock.advance(1000);
            const reply = await say(step.action.voter, commandText(step.action));
            expect(isError(reply), `${step.action.voter}: ${commandText(step.action).slice(0, 60)}`).toBe(step.refused);
          }

          const rows = await core.store.getVotes("R-1");
          expect(new Set(rows.map((v) => v.voter)).size).toBe(rows.length);
          expect(rows).toEqual(model.votes);

          const last = lastAcceptedActions(model.steps);
          expect(rows.map((v) => v.voter).sort()).toEqual([...last.keys()].sort());

          const changes = model.steps.filter((st) => !st.refused && !st.noop).length;
          expect((await core.store.listAudit("R-1")).filter((e) => e.type.startsWith("vote_"))).toHaveLength(changes);

          const status = await say("erin", "status R-1");
          const cardView = status.type === "message" ? status.cards[0] : undefined;
          expect(cardView).toBeDefined();
          const policy = withDefaults(s.policy);
          const recomputed = decide(rows, policy, MANAGER);
          expect(cardView!.decision).toBe(recomputed.decision);
          expect(cardView!.pendingReasons).toEqual(recomputed.reasons);
          sameDecision(recomputed, decide(model.votes, policy, MANAGER));
        } finally {
          await core.close();
        }
      }),
      { numRuns: 50 },
    );
  });
});

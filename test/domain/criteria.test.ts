import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canTick,
  freshCriteria,
  handTickRefusal,
  isHttpUrl,
  MAX_CRITERIA,
  parseCriteriaSpec,
  parseVerdict,
  resetCriteria,
  splitEvidence,
  type Criterion,
} from "../../src/domain/criteria.js";
import { decide, decisionInWords } from "../../src/domain/decision.js";
import { makeRelease, policy, userError, vote } from "./fixtures.js";

const release = makeRelease();
const [tests, changelog] = freshCriteria([
  { name: "tests", role: "qa" },
  { name: "changelog", role: null },
]) as [Criterion, Criterion];
const passed = (c: Criterion, extra: Partial<Criterion> = {}): Criterion => ({ ...c, status: "passed", setBy: "terminal:q", setByName: "q", source: "person", at: 1, ...extra });
const failed = (c: Criterion, extra: Partial<Criterion> = {}): Criterion => ({ ...c, status: "failed", setBy: "terminal:q", setByName: "q", source: "person", at: 1, ...extra });
const twoGo = [vote("bob", "go"), vote("carol", "go")];

describe("naming a channel's criteria", () => {
  it("reads names with optional roles, separated by commas or spaces, in lower case", () => {
    expect(parseCriteriaSpec("tests:qa, rollback-plan:release-manager, Changelog")).toEqual([
      { name: "tests", role: "qa" },
      { name: "rollback-plan", role: "release-manager" },
      { name: "changelog", role: null },
    ]);
    expect(parseCriteriaSpec("none")).toEqual([]);
  });

  it("refuses a bad name, a bad role, a name given twice and too many, saying what is expected", () => {
    userError(() => parseCriteriaSpec("tests:qa:x"), "criteria_name", "`tests:qa:x` is not a criterion");
    userError(() => parseCriteriaSpec("te$ts"), "criteria_name");
    userError(() => parseCriteriaSpec("tests:Q&A"), "criteria_role", "is not a role name");
    userError(() => parseCriteriaSpec("tests, tests:qa"), "criteria_twice", "`tests` is named twice");
    const many = Array.from({ length: MAX_CRITERIA + 1 }, (_, i) => `c${i}`).join(",");
    userError(() => parseCriteriaSpec(many), "criteria_many", `at most ${MAX_CRITERIA} criteria`);
    userError(() => parseCriteriaSpec("  "), "criteria_usage");
    // An empty entry is a typo, not a separator.
    for (const typo of ["tests:qa,, changelog", "tests,", ", tests"]) userError(() => parseCriteriaSpec(typo), "criteria_usage", "has an empty entry: remove the extra comma");
    expect(parseCriteriaSpec("tests changelog")).toHaveLength(2);
  });

  it("reads pass and fail, and refuses anything else", () => {
    expect(parseVerdict("PASS")).toBe("passed");
    expect(parseVerdict("failed")).toBe("failed");
    userError(() => parseVerdict("pending"), "check_usage", "`pending` is not pass or fail");
  });
});

describe("who may tick", () => {
  it("lets a named role's holders and admins tick it, and nobody else, not even the release manager", () => {
    expect(canTick({ id: "terminal:q", roles: ["qa"] }, tests, release).allowed).toBe(true);
    expect(canTick({ id: "terminal:a", roles: ["admin"] }, tests, release).allowed).toBe(true);
    const manager = canTick({ id: release.managerId, roles: ["release-manager"] }, tests, release);
    expect(manager).toEqual({ allowed: false, reason: `Only holders of the qa role and admins may tick tests on ${release.id}. Ask an admin to grant you qa: \`/release role grant <you> qa\`.` });
  });

  it("lets the manager, release-managers and admins tick a criterion without a role", () => {
    expect(canTick({ id: release.managerId, roles: [] }, changelog, release).allowed).toBe(true);
    expect(canTick({ id: "terminal:r", roles: ["release-manager"] }, changelog, release).allowed).toBe(true);
    expect(canTick({ id: "terminal:q", roles: ["qa"] }, changelog, release).reason).toMatch(/^Only .* \(the release manager\), release-managers and admins may tick changelog/);
  });

  it("keeps a CI-reported criterion from hand ticks unless an admin overrides with a reason", () => {
    const owned = { ...tests, ciOwned: true };
    expect(handTickRefusal(tests, release, ["qa"], null)).toBeNull();
    expect(handTickRefusal(owned, release, ["qa"], null)).toMatch(/^CI reports tests/);
    expect(handTickRefusal(owned, release, ["admin"], null)).toMatch(/^CI reports tests/);
    expect(handTickRefusal(owned, release, ["qa", "release-manager"], "runner down")).toMatch(/^Only an admin may override/);
    expect(handTickRefusal(owned, release, ["admin"], "runner down")).toBeNull();
  });
});

describe("evidence", () => {
  it("takes the first http(s) link out of a note as its evidence link, and nothing else", () => {
    expect(splitEvidence("login broken https://ci.example/run/8 see log")).toEqual({ note: "login broken see log", url: "https://ci.example/run/8" });
    expect(splitEvidence("https://ci.example/run/8")).toEqual({ note: null, url: "https://ci.example/run/8" });
    expect(splitEvidence("javascript:alert(1) ftp://x.example")).toEqual({ note: "javascript:alert(1) ftp://x.example", url: null });
    expect(isHttpUrl("http://jenkins:8080/job/1")).toBe(true);
    expect(isHttpUrl("https://")).toBe(false);
  });

  it("resets statuses and evidence to pending after a version change, keeping what CI owns", () => {
    const [t, c] = resetCriteria([failed(tests, { source: "ci", ciOwned: true, url: "https://ci/1" }), passed(changelog, { note: "ok" })]);
    expect(t).toEqual({ ...tests, ciOwned: true });
    expect(c).toEqual(changelog);
  });
});

describe("the decision with readiness criteria", () => {
  it("is GO only when the votes say GO and every criterion has passed", () => {
    expect(decide(twoGo, policy(), "terminal:mia", [passed(tests), passed(changelog)]).decision).toBe("go");
    const open = decide(twoGo, policy(), "terminal:mia", [passed(tests), changelog]);
    expect(open).toEqual({ decision: "pending", reasons: ["criteria open: changelog"], alsoPending: [], goCount: 2 });
    expect(decide(twoGo, policy(), "terminal:mia", []).decision).toBe("go");
  });

  it("lists the open criteria after the vote reasons while votes are still missing", () => {
    const r = decide([vote("bob", "go")], policy({ require: ["security"] }), "terminal:mia", [tests, changelog]);
    expect(r.reasons).toEqual(["1 of 2 GO", "waiting for security", "criteria open: tests, changelog"]);
  });

  it("blocks a failed criterion like a no-go, whatever the veto setting, and says which and why", () => {
    const r = decide(twoGo, policy({ veto: false }), "terminal:mia", [failed(tests, { note: "login broken", url: "https://ci.example/run/8" }), changelog]);
    expect(r.decision).toBe("no_go");
    // What it also waits for comes after what blocks it: passing tests alone will not make it GO.
    expect(decisionInWords(r)).toBe("NO-GO: blocked: tests failed — login broken https://ci.example/run/8; also pending: criteria open: changelog");
    expect(decisionInWords(decide(twoGo, policy(), "terminal:mia", [failed(tests)]))).toBe("NO-GO: blocked: tests failed");
  });

  it("names both the no-go votes and the failed criteria when both block", () => {
    const r = decide([vote("bob", "no_go", { reason: "slow" })], policy(), "terminal:mia", [failed(changelog)]);
    expect(r.reasons).toEqual(["blocked by no-go from bob: slow", "blocked: changelog failed"]);
  });
});

describe("criteria and votes together (properties)", () => {
  const choiceArb = fc.constantFrom<"go" | "no_go" | "abstain">("go", "no_go", "abstain");
  const votesArb = fc.array(fc.tuple(fc.constantFrom("bob", "carol", "dave", "erin", "mia"), choiceArb), { maxLength: 6 }).map((pairs) => [...new Map(pairs)].map(([name, choice]) => vote(name, choice, { reason: choice === "no_go" ? "r" : undefined })));
  const statusArb = fc.constantFrom<Criterion["status"]>("pending", "passed", "failed");
  const criteriaArb = fc.array(statusArb, { maxLength: 4 }).map((statuses) => statuses.map((status, i) => ({ ...freshCriteria([{ name: `c${i}`, role: null }])[0]!, status })));
  const policyArb = fc.record({ quorum: fc.integer({ min: 1, max: 3 }), veto: fc.boolean(), selfApproval: fc.boolean() }).map((p) => policy(p));

  it("is GO exactly when the votes alone say GO and every criterion has passed; a failed one is always NO-GO", () => {
    fc.assert(
      fc.property(votesArb, criteriaArb, policyArb, (votes, criteria, p) => {
        const alone = decide(votes, p, "terminal:mia");
        const withCriteria = decide(votes, p, "terminal:mia", criteria);
        expect(withCriteria.decision === "go").toBe(alone.decision === "go" && criteria.every((c) => c.status === "passed"));
        if (criteria.some((c) => c.status === "failed")) expect(withCriteria.decision).toBe("no_go");
        if (alone.decision === "no_go") expect(withCriteria.decision).toBe("no_go");
        expect(withCriteria.goCount).toBe(alone.goCount);
      }),
    );
  });
});

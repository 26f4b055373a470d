import { evidenceText, type Criterion } from "./criteria.js";
import type { Policy } from "./policy.js";
import type { Vote, UserId } from "./types.js";

export type Decision = "go" | "no_go" | "pending";

export interface DecisionResult {
  decision: Decision;
  /** Why it is not GO yet, in words a person reads on the card. Empty when GO. */
  reasons: string[];
  /**
   * With a NO-GO, what else it waits for besides what blocks it (the quorum, sign-offs, open
   * criteria): lifting the no-go alone does not make it GO. Empty otherwise.
   */
  alsoPending: string[];
  goCount: number;
}

/** How many blocking no-gos are named one by one before "and N more". */
const MAX_NAMED_NO_GOS = 5;

/**
 * The release manager: their id, or every account of theirs (`/release link`) so that their
 * GO from a linked account is still their own.
 */
export type Manager = UserId | readonly UserId[];

const isManager = (voter: UserId, manager: Manager): boolean => (typeof manager === "string" ? voter === manager : manager.includes(voter));

/** Does this GO count? With self-approval off, the release manager's own GO does not. */
function counts(v: Vote, policy: Policy, manager: Manager): boolean {
  return v.choice === "go" && (policy.selfApproval || !isManager(v.voter, manager));
}

/**
 * Votes to decide on: an array, or the store's live map of them. Walked with forEach, not
 * for-of: an iterator handed across a function boundary allocated a result object per
 * vote, 4 KB of garbage per press in a 500-voter storm (an allocation profile of the
 * Discord storm put `decide` first among our frames).
 */
export interface VoteSet {
  forEach(visit: (vote: Vote) => void): void;
}

/**
 * Computes the decision from the current votes and the release's readiness criteria, so it
 * can be recomputed at any time and always agrees with what the card shows. One pass over
 * the votes: it runs on every vote of a release with thousands of voters. The criteria are
 * a handful (MAX_CRITERIA) and walked once after the votes.
 *
 * GO needs the votes to say GO and every criterion passed. A failed criterion blocks like
 * a no-go (`blocked: tests failed — <link>`), whatever the veto setting; open criteria are
 * one pending reason that names them.
 */
export function decide(votes: VoteSet, policy: Policy, manager: Manager, criteria: readonly Criterion[] = []): DecisionResult {
  let goCount = 0;
  let managerGo = false;
  const noGos: Vote[] = [];
  const signedOff = new Set<string>();
  // Most channels require no sign-offs: then nobody's roles need collecting.
  const collectRoles = policy.require.length > 0;
  votes.forEach((v) => {
    if (v.choice === "no_go") noGos.push(v);
    else if (v.choice === "go") {
      if (counts(v, policy, manager)) {
        goCount++;
        if (collectRoles) for (const r of v.roles) signedOff.add(r);
      } else managerGo = true;
    }
  });

  let blocked: string[] | null = null;
  let open: string[] | null = null;
  for (const c of criteria) {
    if (c.status === "failed") (blocked ??= []).push(`blocked: ${c.name} failed${evidenceText(c)}`);
    else if (c.status === "pending") (open ??= []).push(c.name);
  }

  // What GO still needs besides a lifted block: the pending reasons, or with a NO-GO what it also waits for.
  const pending: string[] = [];
  if (goCount < policy.quorum) pending.push(`${goCount} of ${policy.quorum} GO`);
  for (const role of policy.require) if (!signedOff.has(role)) pending.push(`waiting for ${role}`);
  if (open) pending.push(`criteria open: ${open.join(", ")}`);
  if (pending.length && managerGo && (goCount < policy.quorum || policy.require.some((r) => !signedOff.has(r)))) pending.push("the release manager's own GO does not count (self_approval=off)");

  if (policy.veto && noGos.length > 0) {
    // Name the first few; the card lists every vote anyway, and a reply must stay readable.
    const named = noGos.slice(0, MAX_NAMED_NO_GOS).map((v) => `blocked by no-go from ${v.voterName}${v.reason ? `: ${v.reason}` : ""}`);
    const more = noGos.length - named.length;
    const reasons = more > 0 ? [...named, `and ${more} more no-go ${more === 1 ? "vote" : "votes"}`] : named;
    return { decision: "no_go", reasons: blocked ? [...reasons, ...blocked] : reasons, alsoPending: pending, goCount };
  }
  if (blocked) return { decision: "no_go", reasons: blocked, alsoPending: pending, goCount };
  if (pending.length === 0) return { decision: "go", reasons: [], alsoPending: [], goCount };
  return { decision: "pending", reasons: pending, alsoPending: [], goCount };
}

/**
 * Required sign-off roles that still lack a counted GO: reminders name who is awaited.
 * Applies the same self-approval rule as `decide`, so the two always agree.
 */
export function missingSignOffs(votes: Vote[], policy: Policy, manager: Manager): string[] {
  return policy.require.filter((role) => !votes.some((v) => counts(v, policy, manager) && v.roles.includes(role)));
}

/** The decision's name as people read it: the vote words for GO and NO-GO, "Pending" otherwise. */
const DECISION_LABELS: Record<Decision, string> = { go: "GO", no_go: "NO-GO", pending: "Pending" };

/**
 * How much of the decision to say: `label` alone ("NO-GO", for one line per release in a
 * list); the `head`, with why it is not GO yet ("NO-GO: blocked by …", the card's bold line,
 * which shows `alsoPendingInWords` under it); or the whole `line`, the head and what a NO-GO
 * also waits for ("NO-GO: blocked by …; also pending: 1 of 2 GO", in replies and reminders).
 */
export type DecisionWording = "label" | "head" | "line";

/** A decision to put into words: a live one, or a card's ended one (no reasons, nothing else pending). */
export type DecisionToSay = Pick<DecisionResult, "decision" | "reasons"> & { alsoPending?: readonly string[] };

/**
 * The decision in words: the one place it is phrased, so the card, vote replies, reminders
 * and the release list always say the same thing.
 */
export function decisionInWords(result: DecisionToSay, wording: DecisionWording = "line"): string {
  const label = DECISION_LABELS[result.decision];
  if (wording === "label" || result.reasons.length === 0) return label;
  const head = `${label}: ${result.reasons.join(" · ")}`;
  const also = wording === "line" ? alsoPendingInWords(result) : null;
  return also ? `${head}; ${also.charAt(0).toLowerCase()}${also.slice(1)}` : head;
}

/** `Also pending: 1 of 2 GO · waiting for qa`: what a NO-GO waits for besides what blocks it, said after the NO-GO; null when nothing. */
export function alsoPendingInWords(result: DecisionToSay): string | null {
  return result.decision === "no_go" && result.alsoPending?.length ? `Also pending: ${result.alsoPending.join(" · ")}` : null;
}

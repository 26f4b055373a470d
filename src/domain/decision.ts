import type { Policy } from "./policy.js";
import type { Vote, UserId } from "./types.js";

export type Decision = "go" | "no_go" | "pending";

export interface DecisionResult {
  decision: Decision;
  /** Why it is not GO yet, in words a person reads on the card. Empty when GO. */
  reasons: string[];
  goCount: number;
}

/**
 * Computes the decision from the current votes alone, so it can be recomputed at any
 * time and always agrees with what the card shows.
 */
export function decide(votes: Vote[], policy: Policy, managerId: UserId): DecisionResult {
  const counted = votes.filter((v) => v.choice === "go" && (policy.selfApproval || v.voter !== managerId));
  const reasons: string[] = [];

  const noGos = votes.filter((v) => v.choice === "no_go");
  if (policy.veto && noGos.length > 0) {
    for (const v of noGos) reasons.push(`blocked by no-go from ${v.voterName}${v.reason ? `: ${v.reason}` : ""}`);
    return { decision: "no_go", reasons, goCount: counted.length };
  }

  if (counted.length < policy.quorum) reasons.push(`${counted.length} of ${policy.quorum} GO`);
  for (const role of policy.require) {
    if (!counted.some((v) => v.roles.includes(role))) reasons.push(`waiting for ${role}`);
  }
  if (!policy.selfApproval && votes.some((v) => v.choice === "go" && v.voter === managerId)) {
    reasons.push("the release manager's own GO does not count (self_approval=off)");
  }
  const blocking = reasons.filter((r) => !r.startsWith("the release manager"));
  return { decision: blocking.length === 0 ? "go" : "pending", reasons: blocking.length ? reasons : [], goCount: counted.length };
}

/** Required sign-off roles that still lack a GO: used by reminders to name who is awaited. */
export function missingSignOffs(votes: Vote[], policy: Policy): string[] {
  return policy.require.filter((role) => !votes.some((v) => v.choice === "go" && v.roles.includes(role)));
}

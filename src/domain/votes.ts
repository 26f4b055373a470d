import { UserError } from "./errors.js";
import { cleanReason } from "./limits.js";
import type { Policy } from "./policy.js";
import { acceptsVotes, STATE_LABELS } from "./release.js";
import type { Release, Vote, VoteChoice } from "./types.js";

const CHOICE_WORDS: Record<string, VoteChoice> = {
  go: "go",
  yes: "go",
  "no-go": "no_go",
  nogo: "no_go",
  no_go: "no_go",
  no: "no_go",
  abstain: "abstain",
};

export function parseChoice(word: string | undefined): VoteChoice {
  const lower = word?.toLowerCase();
  const choice = lower && Object.hasOwn(CHOICE_WORDS, lower) ? CHOICE_WORDS[lower] : undefined;
  if (!choice) {
    throw new UserError("vote_choice", `Vote with go, no-go or abstain, e.g. \`/release vote R-1 no-go migration not tested\`.`);
  }
  return choice;
}

/** `1 vote was`, `2 votes were`: how many votes a change cleared, in a sentence. */
export function votesWere(n: number): string {
  return n === 1 ? "1 vote was" : `${n} votes were`;
}

export const CHOICE_LABELS: Record<VoteChoice, string> = { go: "GO", no_go: "NO-GO", abstain: "abstain" };

/**
 * Refuses a vote on a release no longer voting, pointing at a fresh card: the one refusal of a
 * vote command and of every vote button (Go, Abstain, No-go before its form opens).
 */
export function requireVoting(release: Release): void {
  if (!acceptsVotes(release.state)) {
    throw new UserError("votes_closed", `${release.id} is ${STATE_LABELS[release.state].toLowerCase()}; voting is closed. See \`/release status ${release.id}\`.`);
  }
}

/** Checks a vote against the release's state and the policy; returns the cleaned reason. */
export function validateVote(release: Release, choice: VoteChoice, reason: string | null, policy: Policy): string | null {
  requireVoting(release);
  const cleaned = cleanReason("voteReason", reason);
  if (choice === "no_go" && !cleaned && policy.noGoReason === "required") {
    throw new UserError("no_go_reason", `A no-go needs a reason so the team can fix it, e.g. \`/release vote ${release.id} no-go migration not tested\`.`, "reason");
  }
  return cleaned;
}

/** The outcome of casting `next` over `previous` (for the audit trail and the reply). */
export function describeVoteChange(previous: Vote | undefined, next: VoteChoice): "cast" | "changed" | "unchanged" {
  if (!previous) return "cast";
  return previous.choice === next ? "unchanged" : "changed";
}

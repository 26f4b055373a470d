import { UserError } from "./errors.js";

/** Every state a release can be in. A decision (go / no-go) is computed, not stored. */
export const RELEASE_STATES = [
  "voting",
  "shipping",
  "shipped",
  "rolling_back",
  "rolled_back",
  "held",
  "cancelled",
  "closed",
] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

/** Things that move a release from one state to another. */
export type ReleaseStep =
  | "ship" // GO reached and the manager (or T-0) starts the deploy
  | "shipped" // the deploy finished
  | "hold" // the manager, or T-0 without GO, stops the release
  | "reopen" // a held release is rescheduled or un-held: back to voting
  | "cancel"
  | "rollback"
  | "recovered" // the rollback finished; service restored
  | "close"; // the retro window ended

const TRANSITIONS: Record<ReleaseState, Partial<Record<ReleaseStep, ReleaseState>>> = {
  voting: { ship: "shipping", hold: "held", cancel: "cancelled" },
  held: { ship: "shipping", reopen: "voting", cancel: "cancelled" },
  shipping: { shipped: "shipped", rollback: "rolling_back", hold: "held" },
  shipped: { rollback: "rolling_back", close: "closed" },
  rolling_back: { recovered: "rolled_back" },
  rolled_back: { close: "closed" },
  cancelled: {},
  closed: {},
};

/**
 * What the release can become next, for each step, in a refusal: said of the release, not of
 * the person (who may not be allowed to take it), with the whole command where a person takes it
 * (each platform shows it as typed there: Discord in its option syntax).
 */
const STEP_HINTS: Record<ReleaseStep, (id: string) => string> = {
  ship: (id) => `shipped once GO (\`/release ship ${id}\`)`,
  shipped: (id) => `marked shipped (\`/release shipped ${id}\`)`,
  hold: (id) => `held (\`/release hold ${id} [reason]\`)`,
  reopen: (id) => `rescheduled, which restarts the countdown (\`/release schedule ${id} <time>\`)`,
  cancel: (id) => `cancelled (\`/release cancel ${id} [reason]\`)`,
  rollback: (id) => `rolled back (\`/release rollback ${id} <reason>\`)`,
  recovered: (id) => `marked recovered (\`/release recovered ${id}\`)`,
  close: () => "closed, by itself when its retro window ends",
};

/** The step as a verb in "so it cannot …". */
const STEP_VERBS: Record<ReleaseStep, string> = {
  ship: "ship",
  shipped: "be marked shipped",
  hold: "be held",
  reopen: "be rescheduled",
  cancel: "be cancelled",
  rollback: "be rolled back",
  recovered: "be marked recovered",
  close: "be closed",
};

export const STATE_LABELS: Record<ReleaseState, string> = {
  voting: "Voting",
  shipping: "Shipping",
  shipped: "Shipped",
  rolling_back: "Rolling back",
  rolled_back: "Rolled back",
  held: "On hold",
  cancelled: "Cancelled",
  closed: "Closed",
};

/** States in which nothing more happens to a release. */
export function isFinal(state: ReleaseState): boolean {
  return state === "cancelled" || state === "closed";
}

/** States in which people may still vote. */
export function acceptsVotes(state: ReleaseState): boolean {
  return state === "voting" || state === "held";
}

/** Commands that move a release one step, by the step they take. */
const COMMAND_STEPS: Partial<Record<string, ReleaseStep>> = { ship: "ship", shipped: "shipped", hold: "hold", cancel: "cancel", rollback: "rollback", recovered: "recovered" };
/** Commands that work only while voting is open (their use cases refuse them after). */
const WHILE_VOTING = new Set(["vote", "retract", "schedule", "update", "check"]);

/**
 * Whether `command` can act on a release in `state` now, so a picker (Discord's id
 * autocomplete) offers a rollback only the releases that can be rolled back. Commands that read
 * (status, share, audit, retro) fit every state.
 */
export function commandFits(command: string, state: ReleaseState): boolean {
  if (WHILE_VOTING.has(command)) return acceptsVotes(state);
  const step = COMMAND_STEPS[command];
  return step === undefined || step in TRANSITIONS[state];
}

export function allowedSteps(state: ReleaseState): ReleaseStep[] {
  return Object.keys(TRANSITIONS[state]) as ReleaseStep[];
}

/**
 * The one transition function. Returns the next state or throws a UserError that says
 * what is possible from the current state.
 */
export function transition(releaseId: string, state: ReleaseState, step: ReleaseStep): ReleaseState {
  const next = TRANSITIONS[state][step];
  if (next) return next;
  const possible = allowedSteps(state).map((s) => STEP_HINTS[s](releaseId));
  const now = possible.length
    ? `From here it can be ${possible.length === 1 ? possible[0]! : `${possible.slice(0, -1).join(", ")} or ${possible.at(-1)!}`}.`
    : "Nothing more can happen to it.";
  throw new UserError(
    "illegal_transition",
    `${releaseId} is ${STATE_LABELS[state].toLowerCase()}, so it cannot ${STEP_VERBS[step]}. ${now}`,
  );
}

import { alsoPendingInWords, decide, decisionInWords, type Decision, type DecisionResult, type Manager } from "../domain/decision.js";
import { offsetLabel } from "../domain/countdown.js";
import { isFinal, STATE_LABELS } from "../domain/release.js";
import { formatInZone, relative } from "../domain/time.js";
import { CHOICE_LABELS } from "../domain/votes.js";
import type { Release, Vote } from "../domain/types.js";
import type { Policy } from "../domain/policy.js";
import type { Job, RetroAnswer } from "./store.js";
import { guardText, ROLLBACK_BUTTON, type ButtonView, type CardView, type CriterionLine, type GuardView } from "./views.js";
import { isHttpUrl, type Criterion, type CriterionStatus } from "../domain/criteria.js";

export interface CardInput {
  release: Release;
  votes: Vote[];
  /** The release's readiness criteria (none when its channel names none). */
  criteria?: Criterion[];
  policy: Policy;
  pendingJobs: Job[];
  retroAnswers: RetroAnswer[];
  now: number;
  /** Freeze, lock, queue and override lines (card-guards.ts). */
  guards?: GuardView[];
  /** The release manager's accounts when they linked several (`/release link`); else their id alone counts as them. */
  manager?: Manager;
  /** Who holds each required sign-off role among those who see the release (role-holders.ts); read only while votes are open. */
  signOffHolders?: Readonly<Record<string, readonly string[]>>;
}

const VOTE_BUTTONS: ButtonView[] = [
  { action: "go", label: "Go", style: "primary" },
  { action: "no_go", label: "No-go", style: "danger" },
  { action: "abstain", label: "Abstain", style: "default" },
];

/** The buttons that make sense in this state; a resolved card has none. */
function buttonsFor(r: Release): ButtonView[] {
  switch (r.state) {
    case "voting":
    case "held":
      return VOTE_BUTTONS;
    case "shipping":
      return [ROLLBACK_BUTTON];
    case "shipped":
      return [
        ROLLBACK_BUTTON,
        ...(r.retroOpenedAt ? [{ action: "retro", label: "Add retro notes", style: "default" } as const] : []),
      ];
    case "rolled_back":
      return r.retroOpenedAt ? [{ action: "retro", label: "Add retro notes", style: "default" }] : [];
    default:
      return [];
  }
}

/** The next reminder's label (`T-15m`) while the release is voting; null when none is left. */
function nextReminder(r: Release, jobs: Job[]): string | null {
  if (r.scheduledAt === null || r.state !== "voting") return null;
  const next = jobs.filter((j) => j.kind === "reminder").sort((a, b) => a.dueAt - b.dueAt)[0];
  return next ? offsetLabel(Number(next.payload.offsetMin)) : null;
}

function countdownLine(r: Release, reminder: string | null, now: number): string | null {
  if (r.scheduledAt === null) return null;
  if (r.state === "voting") {
    // Past T-0 while still voting (queued behind another deploy): say how long ago, not "now" for minutes.
    const t0 = r.scheduledAt > now ? `T-0 ${relative(r.scheduledAt, now)}` : now - r.scheduledAt < 60_000 ? "T-0 is now" : `T-0 was ${relative(r.scheduledAt, now)}`;
    return reminder ? `${t0} · next reminder ${reminder}` : t0;
  }
  // A held release's T-0 will not run (only a new T-0 or /release ship moves it), and its card is
  // not edited as time passes: a relative time here would count down to nothing, then go stale.
  if (r.state === "held") return "Countdown stopped: on hold";
  return null;
}

/** How each status reads at a glance, on every platform's checklist. */
const CRITERION_MARKS: Record<CriterionStatus, string> = { pending: "⏳", passed: "✅", failed: "❌" };

function criterionLine(c: Criterion, zone: string): CriterionLine {
  return {
    name: c.name,
    status: c.status,
    byName: c.setByName,
    byCi: c.source === "ci",
    overridden: c.source === "person" && c.ciOwned,
    at: c.at,
    atText: c.at === null ? null : formatInZone(c.at, zone),
    note: c.note,
    url: c.url !== null && isHttpUrl(c.url) ? c.url : null,
  };
}

/** Voters the one-line fallback names; the rest are counted. A card re-renders on every change, so its cost must not grow with the crowd. */
const FALLBACK_VOTERS = 10;

function fallbackVotes(votes: Vote[]): string {
  if (!votes.length) return "no votes yet";
  const named = votes.slice(0, FALLBACK_VOTERS).map((v) => `${v.voterName}: ${CHOICE_LABELS[v.choice]}${v.reason ? ` (${v.reason})` : ""}`);
  const rest = votes.length - named.length;
  return `${named.join(", ")}${rest ? `, …and ${rest} more` : ""}`;
}

/**
 * Once voting is over the card says how it ended, in words no later policy change can
 * rewrite (a rolled-back release must not turn "Pending" because the quorum was raised
 * since): the outcome's colour and the final count of votes.
 */
type CardDecision = Pick<DecisionResult, "decision" | "reasons"> & { line: string; also: string | null; full: string };

function endedDecision(r: Release, tally: { go: number; noGo: number; abstain: number }): CardDecision {
  const wentOut = r.shippedAt !== null || r.state === "shipping";
  const decision: Decision = r.rollbackRequestedAt !== null ? "no_go" : wentOut ? "go" : "pending";
  const line = `Voting closed: ${tally.go} GO · ${tally.noGo} NO-GO · ${tally.abstain} abstain`;
  return { decision, reasons: [], line, also: null, full: line };
}

/** While votes are open: what they decide under the channel's policy now, in words; a NO-GO's other outstanding items after it. */
function liveDecision(d: DecisionResult): CardDecision {
  return { decision: d.decision, reasons: d.reasons, line: decisionInWords(d, "head"), also: alsoPendingInWords(d), full: decisionInWords(d) };
}

/**
 * The retro at a glance: when it opens (the team otherwise learns of it only from the prompt a
 * day later), then its answers and until when it is open, then that it closed.
 */
function retroNote(r: Release, answers: RetroAnswer[], jobs: Job[]): string | null {
  const job = (kind: "retro_open" | "retro_close") => jobs.find((j) => j.kind === kind);
  if (!r.retroOpenedAt) {
    const opens = job("retro_open");
    return opens ? `Retro opens ${formatInZone(opens.dueAt, r.timezone)}` : null;
  }
  const items = answers.map((a) => a.actionItems).filter(Boolean).length;
  const count = answers.length ? `${answers.length} ${answers.length === 1 ? "answer" : "answers"}, ${items} with action items` : "no answers yet";
  const closes = job("retro_close");
  const when = r.state === "closed" ? " (closed)" : closes ? ` (open until ${formatInZone(closes.dueAt, r.timezone)})` : "";
  return `Retro: ${count}${when}`;
}

/** Builds the platform-neutral card every adapter renders. Pure: same input, same card. */
export function buildCard({ release: r, votes, criteria = [], policy, pendingJobs, retroAnswers, now, guards = [], manager = r.managerId, signOffHolders = {} }: CardInput): CardView {
  const tally = {
    go: votes.filter((v) => v.choice === "go").length,
    noGo: votes.filter((v) => v.choice === "no_go").length,
    abstain: votes.filter((v) => v.choice === "abstain").length,
  };
  const votingOpen = r.state === "voting" || r.state === "held";
  const openDecision = votingOpen ? decide(votes, policy, manager, criteria) : null;
  const result = openDecision ? liveDecision(openDecision) : endedDecision(r, tally);
  // The sign-off roles the decision still waits for, each with who holds it: "waiting for qa" names no one.
  const waiting = openDecision ? new Set([...openDecision.reasons, ...openDecision.alsoPending]) : new Set<string>();
  const signOffs = policy.require.filter((role) => waiting.has(`waiting for ${role}`)).map((role) => ({ role, holders: [...(signOffHolders[role] ?? [])] }));
  const decisionLine = result.line;
  const notes: string[] = [];
  if (r.stateReason) notes.push(`${STATE_LABELS[r.state]}: ${r.stateReason}`);
  if (r.votesVoidedNote) notes.push(r.votesVoidedNote);
  if (r.webhookNote) notes.push(r.webhookNote);
  const retro = retroNote(r, retroAnswers, pendingJobs);
  if (retro) notes.push(retro);
  const title = `${r.service} ${r.version} → ${r.environment}`;
  const scheduledText = r.scheduledAt === null ? null : formatInZone(r.scheduledAt, r.timezone);
  const reminder = nextReminder(r, pendingJobs);
  const countdown = countdownLine(r, reminder, now);
  const voteText = fallbackVotes(votes);
  const live = !isFinal(r.state) && r.state !== "rolled_back";
  const showDecision = votingOpen;
  const checklist = criteria.map((c) => criterionLine(c, r.timezone));
  return {
    releaseId: r.id,
    title,
    service: r.service,
    version: r.version,
    environment: r.environment,
    description: r.description,
    state: r.state,
    stateLabel: STATE_LABELS[r.state],
    managerId: r.managerId,
    managerName: r.managerName,
    decision: result.decision,
    decisionLine,
    alsoPendingLine: result.also,
    pendingReasons: result.reasons,
    tally,
    votes: votes.map((v) => ({ voterId: v.voter, voterName: v.voterName, choice: v.choice, reason: v.reason })),
    criteria: checklist,
    tickable: showDecision ? criteria.map((c) => c.name) : [],
    scheduledAt: r.scheduledAt,
    scheduledText,
    timezone: r.timezone,
    countdownLine: countdown,
    nextReminder: reminder,
    signOffs,
    notes,
    buttons: buttonsFor(r),
    resolved: !live && buttonsFor(r).length === 0,
    guards,
    fallbackText: [
      `${r.id} ${title} [${STATE_LABELS[r.state]}]`,
      showDecision ? `Decision: ${result.full}` : null,
      `Votes: ${voteText}`,
      checklist.length ? `Criteria: ${checklist.map((c) => `${CRITERION_MARKS[c.status]} ${c.name}`).join(" · ")}` : null,
      scheduledText ? `When: ${scheduledText}${countdown ? ` (${countdown})` : ""}` : null,
      ...guards.map(guardText),
      ...notes,
    ]
      .filter(Boolean)
      .join("\n"),
  };
}

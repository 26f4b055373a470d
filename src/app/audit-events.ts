import type { CriterionSource, CriterionSpec, CriterionStatus } from "../domain/criteria.js";
import type { Action } from "../domain/permissions.js";
import type { ALERT_SEVERITIES, Policy } from "../domain/policy.js";
import type { ReleaseState } from "../domain/release.js";
import type { UserId, VoteChoice } from "../domain/types.js";
import type { AuditEvent, WebhookKind } from "./store.js";

/** A vote as the audit remembers it, before or after a change. */
export interface VoteSnapshot {
  choice: VoteChoice;
  reason: string | null;
}

/** A person's retro answer as the audit remembers it. */
export type RetroNotes = {
  wentWell: string;
  wentBadly: string;
  actionItems: string;
};

type WebhookAttempt = {
  kind: WebhookKind;
  /** The HTTP status, or null when no response came back. */
  status: number | null;
  attempts: number;
}

/**
 * Every audit event gonogo writes, with the data it carries. `audit()` takes only these,
 * so a wrong payload does not compile, and the timeline, stats and telemetry read them by
 * type. The stored form is the type name plus this data as JSON (and the actor's display
 * name), so renaming a type or a field here breaks reading old databases: add, don't rename.
 */
export interface AuditEventData {
  release_created: { service: string; version: string; environment: string; managerId: UserId; scheduledAt: number | null };
  /** `movedFrom`: the person's linked account (`/release link`) whose vote this one replaced. */
  vote_cast: { before: VoteSnapshot | null; after: VoteSnapshot; roles: string[]; movedFrom?: UserId };
  vote_changed: { before: VoteSnapshot | null; after: VoteSnapshot; roles: string[]; movedFrom?: UserId };
  vote_retracted: { before: VoteSnapshot };
  /** The first moment the votes reached GO (time to decision). */
  decision_go: Record<string, never>;
  /** `failedCriteria`: the readiness criteria that had failed when T-0 held or cancelled it (stats count these). */
  state_changed: { from: ReleaseState; to: ReleaseState; by?: UserId; reason?: string; timeToRestoreMs?: number | null; failedCriteria?: string[] };
  scheduled: { from: number | null; to: number; state: ReleaseState };
  rescheduled: { from: number | null; to: number; state: ReleaseState };
  /** `criteriaReset`: readiness criteria a version change set back to pending. */
  content_changed: { field: "version" | "description"; before: string | null; after: string; votesVoided: Array<{ voter: UserId; choice: VoteChoice }>; criteriaReset?: string[] };
  /** `again`: the rollback webhook had failed and was sent again. */
  rollback_requested: { from: ReleaseState; reason: string; webhook: boolean; again?: boolean };
  /** `refused`: why, when it is not that the person may not take the action at all (a criterion CI reports). */
  permission_refused: { action: Action; refused?: string };
  webhook_delivered: WebhookAttempt;
  webhook_attempt_failed: WebhookAttempt & { error: string | null };
  webhook_failed: WebhookAttempt & { error: string | null };
  /** A deploy webhook still being retried when its release left shipping (`to`): it is not sent again. */
  webhook_withdrawn: WebhookAttempt & { to: ReleaseState };
  retro_opened: Record<string, never>;
  retro_answer: RetroNotes;
  /** A person edited their retro answer: it replaced `before` (one answer per person per release). */
  retro_answer_changed: { before: RetroNotes; after: RetroNotes };
  /** Its author emptied every box of their answer and saved: it is no longer in the retro (this keeps what it said). */
  retro_answer_withdrawn: { before: RetroNotes };
  /** A countdown reminder went out, `offsetMin` minutes before T-0. */
  reminder_sent: { offsetMin: number };
  /** Reminders that came due while gonogo was down and were skipped, by minutes before T-0. */
  reminders_missed: { offsets: number[] };
  policy_changed: { channel: string; before: Policy; changes: Partial<Policy> };
  role_granted: { subject: string; role: string };
  /** The actor's account and `account` are one person now (`/release link`); `accountName` as it was then. */
  accounts_linked: { account: UserId; accountName: string };
  /** The actor's account counts on its own again; it was linked to these. */
  accounts_unlinked: { accounts: UserId[] };
  /** Linking left two votes of one person on this release: `kept` (the later) stands, `dropped` went. */
  votes_merged: { kept: { voter: UserId; choice: VoteChoice }; dropped: Array<{ voter: UserId; choice: VoteChoice }> };
  role_revoked: { subject: string; role: string };
  deploy_started: { url: string | null };
  deploy_failed: { url: string | null };
  alert_received: { severity: (typeof ALERT_SEVERITIES)[number]; summary: string; link: string | null };
  /** A freeze window added or removed in a channel: `F-2`, its window in words, its reason. */
  freeze_added: { freeze: string; channel: string; window: string; reason: string | null };
  freeze_removed: { freeze: string; channel: string; window: string; reason: string | null };
  /** A service + environment locked by a confirmed rollback (`releaseId`) or by hand (null). */
  deploy_locked: { service: string; environment: string; reason: string; releaseId: string | null };
  deploy_unlocked: { service: string; environment: string; reason: string; lockReason: string; lockedBy: string };
  /** An admin or release-manager shipped inside a freeze; under the four-eyes rule, the second of two, `askedBy` the first. */
  freeze_overridden: { freeze: string; until: number; reason: string; askedBy?: { id: UserId; name: string; reason: string } };
  /** T-0 moved later by more than the channel's `revote_after`: the votes cast before were cleared. */
  votes_expired: { from: number; to: number; revoteAfterMinutes: number; votesVoided: Array<{ voter: UserId; choice: VoteChoice }> };
  /** The first of the two people a channel's `override_approvers=2` needs asked to ship inside a freeze. */
  freeze_override_requested: { freeze: string; until: number; reason: string };
  /** A lock still on was said again (`lockedAt`: when it was set), with the releases it held back then, in `channel`'s workspace (absent before it was recorded). */
  lock_reminder_sent: { service: string; environment: string; lockedAt: number; heldBack: string[]; channel?: string };
  /** T-0 (or ship) came while its service + environment was busy: it waits behind `behind`. */
  queued: { service: string; environment: string; behind: string };
  /** The queue started it once the release ahead was shipped or rolled back. */
  queue_started: { service: string; environment: string };
  /** T-0 (or its turn in the queue) came inside a freeze, or while its service + environment was locked. */
  held_by_freeze: { freeze: string; until: number };
  held_by_lock: { service: string; environment: string; lockReason: string };
  /**
   * The freeze a held release's card showed ended (its freeze_end job ran): `freeze` is its label,
   * `ended` when; `stillIn` the freeze on now that holds it on instead, or null when none does.
   */
  freeze_ended: { freeze: string; ended: number; stillIn: { freeze: string; until: number } | null };
  /** A channel's readiness criteria were named (new releases copy them). */
  criteria_set: { channel: string; before: CriterionSpec[]; after: CriterionSpec[] };
  /** A criterion was ticked by a person or reported by CI. */
  criterion_ticked: { criterion: string; before: CriterionStatus; after: CriterionStatus; source: CriterionSource; note: string | null; url: string | null };
  /** An admin ticked a criterion CI reports, with a reason. */
  criterion_overridden: { criterion: string; before: CriterionStatus; after: CriterionStatus; reason: string; note: string | null; url: string | null };
}

export type AuditEventType = keyof AuditEventData;

/** One audit event: its type and the data that type carries (a discriminated union on `type`). */
export type AuditEventPayload<T extends AuditEventType = AuditEventType> = { [K in T]: { type: K; data: AuditEventData[K] } }[T];

/** Every type name, checked by the compiler against `AuditEventData` (none missing, none extra). */
const KNOWN_TYPES = {
  release_created: true,
  vote_cast: true,
  vote_changed: true,
  vote_retracted: true,
  decision_go: true,
  state_changed: true,
  scheduled: true,
  rescheduled: true,
  content_changed: true,
  rollback_requested: true,
  permission_refused: true,
  webhook_delivered: true,
  webhook_attempt_failed: true,
  webhook_failed: true,
  webhook_withdrawn: true,
  retro_opened: true,
  retro_answer: true,
  retro_answer_changed: true,
  retro_answer_withdrawn: true,
  reminder_sent: true,
  reminders_missed: true,
  policy_changed: true,
  role_granted: true,
  role_revoked: true,
  accounts_linked: true,
  accounts_unlinked: true,
  votes_merged: true,
  deploy_started: true,
  deploy_failed: true,
  alert_received: true,
  freeze_added: true,
  freeze_removed: true,
  deploy_locked: true,
  deploy_unlocked: true,
  lock_reminder_sent: true,
  freeze_overridden: true,
  freeze_override_requested: true,
  votes_expired: true,
  queued: true,
  queue_started: true,
  held_by_freeze: true,
  held_by_lock: true,
  freeze_ended: true,
  criteria_set: true,
  criterion_ticked: true,
  criterion_overridden: true,
} satisfies Record<AuditEventType, true>;

function isAuditEventType(type: string): type is AuditEventType {
  return Object.hasOwn(KNOWN_TYPES, type);
}

/**
 * The typed event a stored row holds, or undefined for a type this version of gonogo does
 * not know (written by another version): the caller shows those generically. The one place
 * stored JSON becomes a payload type: the store holds only what `audit()` wrote, and
 * `audit()` accepts nothing but `AuditEventPayload`.
 */
export function readAuditEvent(row: Pick<AuditEvent, "type" | "data">): AuditEventPayload | undefined {
  if (!isAuditEventType(row.type)) return undefined;
  return { type: row.type, data: row.data } as AuditEventPayload;
}

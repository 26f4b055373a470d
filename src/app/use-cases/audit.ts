import { cutText } from "../../domain/limits.js";
import { displayName } from "../../domain/identity.js";
import { describePolicyChanges } from "../../domain/policy.js";
import { minutesText } from "../../domain/minutes.js";
import { humanDuration } from "../../domain/duration.js";
import { formatInZone } from "../../domain/time.js";
import { shortTime } from "../../domain/freeze.js";
import type { Actor, ChannelRef } from "../../domain/types.js";
import { CHOICE_LABELS } from "../../domain/votes.js";
import { STATE_LABELS } from "../../domain/release.js";
import { doing } from "../../domain/permissions.js";
import { offsetLabel } from "../../domain/countdown.js";
import { readAuditEvent, type AuditEventPayload, type RetroNotes } from "../audit-events.js";
import { getReleaseOrThrow, policyFor, requirePermission, type Ctx } from "../context.js";
import { ok } from "../replies.js";
import { readAfterCommit, type ReadAfterCommit } from "../after-commit.js";
import type { AuditCheck, AuditEvent } from "../store.js";
import type { Reply } from "../views.js";
import { countOf } from "../../domain/plural.js";


/**
 * One stored audit event as a sentence, after the actor's name ("dave voted GO"). Times in it
 * read in `zone` when the caller names it (as the timeline's heading does), else in UTC, said so.
 * Types this version does not know still read sensibly.
 */
/** A note cut to one line of the timeline. */
function short(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return cutText(line, 80);
}

export function describeEvent(e: AuditEvent, zone?: string): string {
  const event = readAuditEvent(e);
  if (!event) return describeGenerically(e);
  try {
    return describeKnown(event, zone, e.releaseId ?? undefined);
  } catch {
    // A row whose data lacks what its type promises (edited behind gonogo's back) still gets a line.
    return describeGenerically(e);
  }
}

function describeKnown(event: AuditEventPayload, zone: string | undefined, releaseId: string | undefined): string {
  switch (event.type) {
    case "release_created": {
      const d = event.data;
      return `created ${d.service} ${d.version} → ${d.environment}`;
    }
    case "vote_cast": {
      const { after } = event.data;
      return `voted ${CHOICE_LABELS[after.choice]}${because(after.reason)}`;
    }
    case "vote_changed": {
      const { before, after, movedFrom } = event.data;
      const from = movedFrom ? ` (replacing the vote of their linked account ${displayName(movedFrom)})` : "";
      return `changed vote ${before ? CHOICE_LABELS[before.choice] : "none"} → ${CHOICE_LABELS[after.choice]}${because(after.reason)}${from}`;
    }
    case "vote_retracted":
      return `retracted ${CHOICE_LABELS[event.data.before.choice]}`;
    case "decision_go":
      return "brought the decision to GO";
    case "state_changed": {
      const d = event.data;
      // As the card names states ("Rolling back → Rolled back"), not as they are stored.
      return `moved it from ${STATE_LABELS[d.from]} to ${STATE_LABELS[d.to]}${typeof d.reason === "string" ? `: ${d.reason}` : ""}`;
    }
    case "scheduled":
    case "rescheduled":
      return `${event.type} T-0 for ${timeIn(event.data.to, zone)}`;
    case "content_changed": {
      const d = event.data;
      const reset = d.criteriaReset?.length ? `; criteria back to pending: ${d.criteriaReset.join(", ")}` : "";
      // A first description has nothing before it: "set", not "changed from null".
      const change = d.before === null ? `set ${d.field} to ${d.after}` : `changed ${d.field} from ${d.before} to ${d.after}`;
      return `${change}; ${voided(d.votesVoided.length)}${reset}`;
    }
    case "rollback_requested":
      return `${event.data.again ? "sent the failed rollback again" : "requested rollback"}: ${event.data.reason}`;
    case "permission_refused":
      return `was refused: ${event.data.refused ?? `may not ${doing(event.data.action, releaseId)}`}`;
    case "webhook_delivered": {
      const d = event.data;
      return `${d.kind} webhook delivered (HTTP ${d.status}, attempt ${d.attempts})`;
    }
    case "webhook_attempt_failed": {
      const d = event.data;
      return `${d.kind} webhook attempt ${d.attempts} failed (${d.error})`;
    }
    case "webhook_failed": {
      const d = event.data;
      return `${d.kind} webhook FAILED after ${countOf(d.attempts, "attempt")} (${d.error})`;
    }
    case "webhook_withdrawn": {
      const d = event.data;
      const tries = d.attempts ? ` after ${d.attempts} failed ${d.attempts === 1 ? "attempt" : "attempts"}` : " before its first attempt";
      return `${d.kind} webhook withdrawn${tries}: the release went ${d.to.replace("_", " ")}`;
    }
    case "retro_answer":
      return `added retro notes (${retroNotes(event.data)})`;
    case "retro_answer_withdrawn":
      return `withdrew their retro notes (${retroNotes(event.data.before)})`;
    case "retro_answer_changed":
      return `edited their retro notes, now (${retroNotes(event.data.after)})`;
    case "freeze_overridden":
      return `shipped inside freeze ${event.data.freeze} (override): ${event.data.reason}${event.data.askedBy ? ` (second to ${event.data.askedBy.name}, who asked: ${event.data.askedBy.reason})` : ""}`;
    case "votes_expired":
      return `moved T-0 ${humanDuration(event.data.to - event.data.from)} later, more than revote_after=${minutesText(event.data.revoteAfterMinutes)}; ${voided(event.data.votesVoided.length)}`;
    case "freeze_override_requested":
      return `asked to ship inside freeze ${event.data.freeze} (override, waiting for a second person): ${event.data.reason}`;
    case "queued":
      return `queued it behind ${event.data.behind} (${event.data.service} ${event.data.environment} busy)`;
    case "queue_started":
      return `started it from the queue (${event.data.service} ${event.data.environment} free)`;
    case "held_by_freeze":
      // At T-0 or at its turn in the queue: the state change just before says which.
      return `held by freeze ${event.data.freeze} (until ${timeIn(event.data.until, zone)})`;
    case "freeze_ended": {
      const d = event.data;
      const now = d.stillIn ? `still held by freeze ${d.stillIn.freeze} (until ${timeIn(d.stillIn.until, zone)})` : "no freeze holds it now";
      return `saw freeze ${d.freeze} end (${timeIn(d.ended, zone)}): ${now}`;
    }
    case "held_by_lock":
      return `held: ${event.data.service} ${event.data.environment} is locked (${event.data.lockReason})`;
    case "deploy_locked":
      return `locked ${event.data.service} ${event.data.environment}: ${event.data.reason}`;
    case "deploy_unlocked":
      return `unlocked ${event.data.service} ${event.data.environment}: ${event.data.reason}`;
    case "lock_reminder_sent": {
      const d = event.data;
      return `reminded that ${d.service} ${d.environment} is still locked (since ${timeIn(d.lockedAt, zone)})${d.heldBack.length ? `, holding back ${d.heldBack.join(", ")}` : ""}`;
    }
    case "reminder_sent":
      return `sent the ${offsetLabel(event.data.offsetMin)} reminder`;
    case "criterion_ticked": {
      const d = event.data;
      return `${d.source === "ci" ? "reported" : "ticked"} ${d.criterion} ${d.before} → ${d.after}${because([d.note, d.url].filter(Boolean).join(" ") || null)}`;
    }
    case "criterion_overridden": {
      const d = event.data;
      return `overrode CI on ${d.criterion} ${d.before} → ${d.after}: ${d.reason}`;
    }
    case "criteria_set":
      return `set the channel's criteria to ${event.data.after.map((c) => (c.role ? `${c.name}:${c.role}` : c.name)).join(", ") || "none"}`;
    case "freeze_added":
      return `added freeze ${event.data.freeze} (${event.data.window})${because(event.data.reason)}`;
    case "freeze_removed":
      return `removed freeze ${event.data.freeze} (${event.data.window})`;
    case "retro_opened":
      return "opened the retrospective";
    case "reminders_missed": {
      const offsets = event.data.offsets.map(offsetLabel);
      return `skipped the ${offsets.join(", ")} ${offsets.length === 1 ? "reminder" : "reminders"}: due while gonogo was not running`;
    }
    case "policy_changed":
      return `changed the channel's policy: ${describePolicyChanges(event.data.before, event.data.changes)}`;
    case "role_granted":
      return `granted ${event.data.role} to ${displayName(event.data.subject)}`;
    case "accounts_linked":
      return `linked their account to ${event.data.accountName} (${displayName(event.data.account)}): one voter`;
    case "accounts_unlinked":
      return `unlinked their account from ${event.data.accounts.map(displayName).join(", ")}`;
    case "votes_merged": {
      const { kept, dropped } = event.data;
      return `linked accounts that had both voted: kept ${CHOICE_LABELS[kept.choice]} by ${displayName(kept.voter)}, dropped ${dropped.map((v) => `${CHOICE_LABELS[v.choice]} by ${displayName(v.voter)}`).join(", ")}`;
    }
    case "role_revoked":
      return `revoked ${event.data.role} from ${displayName(event.data.subject)}`;
    case "deploy_started":
      return `reported the deploy started${event.data.url ? ` (${event.data.url})` : ""}`;
    case "deploy_failed":
      return `reported the deploy FAILED${event.data.url ? ` (${event.data.url})` : ""}`;
    case "alert_received": {
      const d = event.data;
      return `sent a ${d.severity} alert: ${d.summary}${d.link ? ` (${d.link})` : ""}`;
    }
  }
}

/** A time in an event's sentence: short in the timeline's zone, or in UTC (said so) when the caller names none. */
function timeIn(at: number, zone: string | undefined): string {
  return zone ? shortTime(at, zone) : formatInZone(at, "UTC");
}

/** The type in words and the data as JSON: for events that need no sentence of their own. */
function describeGenerically(e: { type: string; data: object }): string {
  const rest = Object.fromEntries(Object.entries(e.data).filter(([k]) => k !== "actorName"));
  return `${e.type.replace(/_/g, " ")}${Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : ""}`;
}

/** The retro notes themselves, short: the timeline is where a team reads them while the retro is open. */
function retroNotes(d: RetroNotes): string {
  const parts = [["went well", d.wentWell], ["did not", d.wentBadly], ["action items", d.actionItems]].filter(([, text]) => text).map(([label, text]) => `${label}: ${short(text!)}`);
  return parts.join(" · ");
}

function because(reason: string | null): string {
  return reason ? ` (${reason})` : "";
}

/** `/release audit R-1`: who did what, when, in the channel's time zone. */
export async function auditTimeline(ctx: Ctx, channel: ChannelRef, id: string): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, id);
  const zone = (await policyFor(ctx, channel.key)).timezone;
  const events = await ctx.store.listAudit(release.id);
  const shown = events.slice(-60);
  const who = (e: AuditEvent) => (typeof e.data.actorName === "string" ? e.data.actorName : displayName(e.actor));
  const lines = shown.map((e) => `${formatInZone(e.at, zone).replace(` (${zone})`, "")}  ${who(e)} ${describeEvent(e, zone)}`);
  const more = events.length > shown.length ? [`(${countOf(events.length - shown.length, "earlier event")}: \`/release audit export ${release.id}\` has them all)`] : [];
  return ok([`Audit trail of ${release.id} (${zone}):`, ...more, "```", ...lines, "```"].join("\n"));
}

/**
 * `/release audit verify` (admins): walks the hash chain. The permission is checked (and a refusal
 * audited) in the command's transaction; the walk reads a snapshot after it commits: a million
 * events take seconds, and inside the transaction every vote pressed meanwhile waited for them.
 */
export async function auditVerify(ctx: Ctx, actor: Actor): Promise<ReadAfterCommit> {
  await requirePermission(ctx, actor, "audit_verify");
  return readAfterCommit(async (snapshot) => verifyReply(await snapshot.verifyAudit()));
}

/** A walk's report as the admin reads it: intact with the head to keep elsewhere, or where it broke and what to do. */
function verifyReply(report: AuditCheck): Reply {
  if (report.ok) {
    // The links cannot show rows deleted from the end or a trail rewritten with new hashes: a head kept elsewhere can.
    const head = report.head ? ` Head: \`${report.head.id}:${report.head.hash}\`: keep it somewhere gonogo cannot write, and check it later with \`npm run audit:verify -- --head ${report.head.id}:<hash>\`.` : "";
    return ok(`Audit trail intact: ${countOf(report.count, "event")}, every link verified.${head}`);
  }
  return { type: "message", error: true, cards: [], text: `Audit trail BROKEN at event ${report.brokenAt}: ${report.problem}. Restore the database from a backup and investigate who had access to the file.` };
}

/** `no votes cleared`, `1 vote cleared`, `2 votes cleared`: the word the card and the thread use. */
function voided(n: number): string {
  return n === 0 ? "no votes cleared" : `${n} ${n === 1 ? "vote" : "votes"} cleared`;
}

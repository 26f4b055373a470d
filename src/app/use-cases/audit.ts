import { cutText } from "../../domain/limits.js";
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns/format";
import { UserError } from "../../domain/errors.js";
import { displayName, inWorkspaceOf, parseSubject } from "../../domain/identity.js";
import { scopeOfChannel, scopeOwns, scopeOwnsChannel } from "../web-link.js";
import { describePolicyChanges } from "../../domain/policy.js";
import { dateProblem, formatInZone } from "../../domain/time.js";
import { resolveWallTime } from "../../domain/wall-clock.js";
import { shortTime } from "../../domain/freeze.js";
import type { Actor, ChannelRef } from "../../domain/types.js";
import { CHOICE_LABELS } from "../../domain/votes.js";
import { STATE_LABELS } from "../../domain/release.js";
import { doing } from "../../domain/permissions.js";
import { offsetLabel } from "../../domain/countdown.js";
import { readAuditEvent, type AuditEventPayload, type RetroNotes } from "../audit-events.js";
import { getReleaseOrThrow, policyFor, requirePermission, type Ctx } from "../context.js";
import { ok } from "../replies.js";
import type { AuditEvent } from "../store.js";
import type { Reply } from "../views.js";

const DAY = 86_400_000;

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
      const { before, after } = event.data;
      return `changed vote ${before ? CHOICE_LABELS[before.choice] : "none"} → ${CHOICE_LABELS[after.choice]}${because(after.reason)}`;
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
      return `was refused: may not ${doing(event.data.action, releaseId)}`;
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
      return `${d.kind} webhook FAILED after ${d.attempts} attempts (${d.error})`;
    }
    case "webhook_withdrawn": {
      const d = event.data;
      const tries = d.attempts ? ` after ${d.attempts} failed ${d.attempts === 1 ? "attempt" : "attempts"}` : " before its first attempt";
      return `${d.kind} webhook withdrawn${tries}: the release went ${d.to.replace("_", " ")}`;
    }
    case "retro_answer":
      return `added retro notes (${retroNotes(event.data)})`;
    case "retro_answer_changed":
      return `edited their retro notes, now (${retroNotes(event.data.after)})`;
    case "freeze_overridden":
      return `shipped inside freeze ${event.data.freeze} (override): ${event.data.reason}`;
    case "queued":
      return `queued it behind ${event.data.behind} (${event.data.service} ${event.data.environment} busy)`;
    case "queue_started":
      return `started it from the queue (${event.data.service} ${event.data.environment} free)`;
    case "held_by_freeze":
      // At T-0 or at its turn in the queue: the state change just before says which.
      return `held by freeze ${event.data.freeze} (until ${timeIn(event.data.until, zone)})`;
    case "held_by_lock":
      return `held: ${event.data.service} ${event.data.environment} is locked (${event.data.lockReason})`;
    case "deploy_locked":
      return `locked ${event.data.service} ${event.data.environment}: ${event.data.reason}`;
    case "deploy_unlocked":
      return `unlocked ${event.data.service} ${event.data.environment}: ${event.data.reason}`;
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
  const more = events.length > shown.length ? [`(${events.length - shown.length} earlier events: \`/release audit export\` has them all)`] : [];
  return ok([`Audit trail of ${release.id} (${zone}):`, ...more, "```", ...lines, "```"].join("\n"));
}

const EXPORT_EXAMPLE = "Use `/release audit export 2030-01-01 2030-01-31` (dates in the channel's time zone).";

/** A calendar day as typed for an export, month 1-12, checked to exist. */
interface Day {
  year: number;
  month: number;
  day: number;
}

/** `2030-01-31`; an impossible day (30 February) is refused as release times refuse it, not rolled over. */
function parseDay(text: string): Day {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new UserError("audit_export_date", `\`${text}\` is not a date. ${EXPORT_EXAMPLE}`);
  const day = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const problem = dateProblem(day.year, day.month, day.day);
  if (problem) throw new UserError("audit_export_date", `\`${text}\` is not a date: ${problem}. ${EXPORT_EXAMPLE}`);
  return day;
}

/** The first instant of `day` in `zone`; a midnight the clocks skip resolves as release times do. */
function startOfDay(day: Day, zone: string): number {
  return resolveWallTime({ ...day, hour: 0, minute: 0 }, zone).at;
}

/** The last millisecond before the next day starts, so a 23- or 25-hour day (clocks changing) is covered exactly. */
function endOfDay(day: Day, zone: string): number {
  const next = new Date(Date.UTC(day.year, day.month - 1, day.day + 1));
  return startOfDay({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() }, zone) - 1;
}

/** `2030-01-31`: the date of an instant on the channel's calendar, for file names. */
function dateIn(ms: number, zone: string): string {
  return format(new TZDate(ms, zone), "yyyy-MM-dd");
}

/** Refuses a range that ends before it starts, saying how to ask for it instead. */
function checkRange(from: number, to: number, fromText: string | null, toText: string | null, zone: string): void {
  if (from <= to) return;
  // The end defaulted to now: the start typed is in the future.
  if (!toText) throw new UserError("audit_export_range", `The start date ${fromText} is after today (${dateIn(to, zone)}). Pick a start up to today, or give an end date after it too.`);
  // The start defaulted to 30 days ago (only forms can leave it out): the end typed is before it.
  if (!fromText) throw new UserError("audit_export_range", `The end date ${toText} is more than 30 days ago, before the default start. Give a start date too, e.g. \`/release audit export ${toText.slice(0, 8)}01 ${toText}\`.`);
  throw new UserError("audit_export_range", `The start date ${fromText} is after the end date ${toText}. Swap them: \`/release audit export ${toText} ${fromText}\`.`);
}

const CSV_COLUMNS = ["id", "at", "release", "actor", "platform", "type", "data", "hash"] as const;
const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * The events that belong to the workspace or server of the channel the export was asked in:
 * one gonogo may serve several, and a release manager of one must not read another's votes
 * and reasons. An event belongs by its release's channel, else by the channel it names (a
 * policy, a freeze), else by who did it (a role grant, a lock).
 */
async function inWorkspaceOfChannel<E extends AuditEvent>(ctx: Ctx, channel: ChannelRef, events: E[]): Promise<E[]> {
  const scope = scopeOfChannel(channel);
  if (!scope) return [];
  const releaseIsHere = new Map<string, boolean>();
  const kept: E[] = [];
  for (const e of events) {
    let mine: boolean;
    if (e.releaseId !== null) {
      if (!releaseIsHere.has(e.releaseId)) {
        const release = await ctx.store.getRelease(e.releaseId);
        releaseIsHere.set(e.releaseId, release !== undefined && scopeOwns(scope, release));
      }
      mine = releaseIsHere.get(e.releaseId)!;
    } else if (typeof e.data.channel === "string") {
      mine = scopeOwnsChannel(scope, e.data.channel);
    } else {
      const who = parseSubject(e.actor);
      mine = who?.kind === "person" && inWorkspaceOf(who, channel);
    }
    if (mine) kept.push(e);
  }
  return kept;
}

/** `/release audit export [from] [to]`: the audit events of this workspace or server as CSV and JSON files. */
export async function auditExport(ctx: Ctx, actor: Actor, channel: ChannelRef, fromText: string | null, toText: string | null): Promise<Reply> {
  await requirePermission(ctx, actor, "audit_export");
  const zone = (await policyFor(ctx, channel.key)).timezone;
  const now = ctx.clock.now();
  const from = fromText ? startOfDay(parseDay(fromText), zone) : now - 30 * DAY;
  const to = toText ? endOfDay(parseDay(toText), zone) : now;
  checkRange(from, to, fromText, toText, zone);
  const events = await inWorkspaceOfChannel(ctx, channel, await ctx.store.listAuditRange(from, to));
  const rows = events.map((e) => ({ id: e.id, at: new Date(e.at).toISOString(), release: e.releaseId ?? "", actor: e.actor, platform: e.platform, type: e.type, data: JSON.stringify(e.data), hash: e.hash }));
  const csv = [CSV_COLUMNS.join(","), ...rows.map((r) => CSV_COLUMNS.map((c) => csvCell(String(r[c]))).join(","))].join("\n") + "\n";
  // Named after the dates as typed (else the channel's dates of the default range): the UTC date
  // of a midnight east of UTC is the day before, which named the file after a day not asked for.
  const base = `gonogo-audit-${fromText ?? dateIn(from, zone)}-to-${toText ?? dateIn(to, zone)}`;
  return { type: "message", error: false, cards: [], text: `Audit export: ${events.length} events from ${formatInZone(from, zone)} to ${formatInZone(to, zone)}.`, files: [
    { name: `${base}.csv`, contentType: "text/csv", content: csv },
    { name: `${base}.json`, contentType: "application/json", content: `${JSON.stringify(events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })), null, 2)}\n` },
  ] };
}

/** `/release audit verify` (admins): walks the hash chain. */
export async function auditVerify(ctx: Ctx, actor: Actor): Promise<Reply> {
  await requirePermission(ctx, actor, "audit_verify");
  const report = await ctx.store.verifyAudit();
  if (report.ok) {
    // The links cannot show rows deleted from the end or a trail rewritten with new hashes: a head kept elsewhere can.
    const head = report.head ? ` Head: \`${report.head.id}:${report.head.hash}\`: keep it somewhere gonogo cannot write, and check it later with \`npm run audit:verify -- --head ${report.head.id}:<hash>\`.` : "";
    return ok(`Audit trail intact: ${report.count} events, every link verified.${head}`);
  }
  return { type: "message", error: true, cards: [], text: `Audit trail BROKEN at event ${report.brokenAt}: ${report.problem}. Restore the database from a backup and investigate who had access to the file.` };
}

/** `no votes cleared`, `1 vote cleared`, `2 votes cleared`: the word the card and the thread use. */
function voided(n: number): string {
  return n === 0 ? "no votes cleared" : `${n} ${n === 1 ? "vote" : "votes"} cleared`;
}

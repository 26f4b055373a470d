import { TZDate } from "@date-fns/tz";
import { format } from "date-fns/format";
import { UserError } from "../../domain/errors.js";
import { dateProblem, formatInZone } from "../../domain/time.js";
import type { Actor, ChannelRef } from "../../domain/types.js";
import { resolveWallTime } from "../../domain/wall-clock.js";
import { readAfterCommit, type ReadAfterCommit } from "../after-commit.js";
import { getReleaseOrThrow, policyFor, requirePermission, type Ctx } from "../context.js";
import { exportFiles } from "./audit-export-files.js";
import { countOf } from "../../domain/plural.js";

const DAY = 86_400_000;

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
  if (!toText) throw new UserError("audit_export_range", `The start date ${fromText} is after today (${dateIn(to, zone)}): nothing has happened then yet. Pick a start up to today, e.g. \`/release audit export ${dateIn(to, zone)}\` for today's events.`);
  // The start defaulted to 30 days ago (only forms can leave it out): the end typed is before it.
  if (!fromText) throw new UserError("audit_export_range", `The end date ${toText} is more than 30 days ago, before the default start. Give a start date too, e.g. \`/release audit export ${toText.slice(0, 8)}01 ${toText}\`.`);
  throw new UserError("audit_export_range", `The start date ${fromText} is after the end date ${toText}. Swap them: \`/release audit export ${toText} ${fromText}\`.`);
}

/**
 * `/release audit export [from] [to]`: the audit events of this workspace or server as CSV and
 * JSON files. The permission and the dates are checked in the command's transaction; the events
 * are read after it commits, from a snapshot (after-commit.ts): on a large trail that read takes
 * seconds, and inside the transaction every vote pressed meanwhile waited for it.
 * With `releaseId` (`/release audit export R-1`), every event of that release instead.
 */
export async function auditExport(ctx: Ctx, actor: Actor, channel: ChannelRef, fromText: string | null, toText: string | null, releaseId: string | null = null): Promise<ReadAfterCommit> {
  await requirePermission(ctx, actor, "audit_export");
  const zone = (await policyFor(ctx, channel.key)).timezone;
  if (releaseId !== null) return releaseExport(ctx, channel, releaseId, zone);
  const now = ctx.clock.now();
  const from = fromText ? startOfDay(parseDay(fromText), zone) : now - 30 * DAY;
  const to = toText ? endOfDay(parseDay(toText), zone) : now;
  checkRange(from, to, fromText, toText, zone);
  return readAfterCommit(async (snapshot) => {
    const files = await exportFiles(snapshot, channel, from, to, EXPORT_FILE_MAX_BYTES);
    if (!files.fits) throw tooLarge(files.fitted, files.passedAt, from, zone);
    const { events, csv, json } = files;
    // Named after the dates as typed (else the channel's dates of the default range): the UTC date
    // of a midnight east of UTC is the day before, which named the file after a day not asked for.
    const base = `gonogo-audit-${fromText ?? dateIn(from, zone)}-to-${toText ?? dateIn(to, zone)}`;
    return { type: "message", error: false, cards: [], text: `Audit export: ${countOf(events, "event")} from ${formatInZone(from, zone)} to ${formatInZone(to, zone)}.`, files: [
      { name: `${base}.csv`, contentType: "text/csv", content: csv },
      { name: `${base}.json`, contentType: "application/json", content: json },
    ] };
  });
}

/** Every event of one release, from its creation to now, as files named after it. */
async function releaseExport(ctx: Ctx, channel: ChannelRef, id: string, zone: string): Promise<ReadAfterCommit> {
  // Loaded for the asker: another workspace's release reads as none here, as for its timeline.
  const release = await getReleaseOrThrow(ctx, id);
  const from = release.createdAt;
  const to = ctx.clock.now();
  return readAfterCommit(async (snapshot) => {
    const files = await exportFiles(snapshot, channel, from, to, EXPORT_FILE_MAX_BYTES, release.id);
    if (!files.fits) {
      const mb = (EXPORT_FILE_MAX_BYTES / 2 ** 20).toFixed(1);
      throw new UserError("audit_export_too_large", `The export of ${release.id} is more than ${mb} MB as one file: more than one chat message carries. \`/release audit ${release.id}\` shows its latest events; for all of them, ask whoever runs gonogo for a copy of the database (\`npm run db:backup <file>\` on SQLite).`);
    }
    return { type: "message", error: false, cards: [], text: `Audit export of ${release.id}: ${countOf(files.events, "event")} from ${formatInZone(from, zone)} to ${formatInZone(to, zone)}.`, files: [
      { name: `gonogo-audit-${release.id}.csv`, contentType: "text/csv", content: files.csv },
      { name: `gonogo-audit-${release.id}.json`, contentType: "application/json", content: files.json },
    ] };
  });
}

/**
 * The most one exported file may weigh: the files travel as attachments of one private
 * message, and Discord takes at most 10 MiB a file in a server without boosts (Slack far more).
 * A bigger export would fail on the way, after the work, with nothing said to the asker.
 */
const EXPORT_FILE_MAX_BYTES = 8 * 2 ** 20;

/** `2030-01-14` for `2030-01-15`: calendar days, whatever the zone. */
function dayBefore(date: string): string {
  const [year, month, day] = date.split("-").map(Number);
  return new Date(Date.UTC(year!, month! - 1, day! - 1)).toISOString().slice(0, 10);
}

/**
 * The refusal of an export too big for one message. Its read stopped where a file passed the
 * limit, so it says how many events fitted and a range that ends before that day to ask for
 * instead (the trail is written in time order); when the first day alone is too much, a copy
 * of the database is the way.
 */
function tooLarge(fitted: number, passedAt: number, from: number, zone: string): UserError {
  const mb = (EXPORT_FILE_MAX_BYTES / 2 ** 20).toFixed(1);
  const start = dateIn(from, zone);
  const passedOn = dateIn(passedAt, zone);
  const next =
    passedOn <= start
      ? `Its first day, ${start}, is more than chat can carry on its own: ask whoever runs gonogo for a copy of the database (\`npm run db:backup <file>\` on SQLite).`
      : `Narrow it, e.g. \`/release audit export ${start} ${dayBefore(passedOn)}\`, then ask for the days after it the same way.`;
  return new UserError("audit_export_too_large", `That export is more than ${mb} MB as one file (more than ${countOf(fitted, "event")}): more than one chat message carries. ${next}`);
}

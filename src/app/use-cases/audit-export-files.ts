import { inWorkspaceOf, parseSubject } from "../../domain/identity.js";
import type { ChannelRef } from "../../domain/types.js";
import type { ChainedAuditEvent, Snapshot } from "../snapshot.js";
import { scopeOfChannel, scopeOwns, scopeOwnsChannel, type WebScope } from "../web-link.js";

const CSV_COLUMNS = ["id", "at", "release", "actor", "platform", "type", "data", "hash"] as const;
const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * An export's two files and how many events they hold; or, when a file would weigh more than
 * allowed, how far the read got: `fitted` events fitted, and the next one, at `passedAt`, did not.
 */
export type ExportFiles = { fits: true; events: number; csv: string; json: string } | { fits: false; fitted: number; passedAt: number };

/**
 * Whether an event belongs to the workspace or server of the channel the export was asked in:
 * one gonogo may serve several, and a release manager of one must not read another's votes
 * and reasons. An event belongs by its release's channel, else by the channel it names (a
 * policy, a freeze), else by who did it (a role grant, a lock).
 */
function workspaceFilter(snapshot: Snapshot, scope: WebScope, channel: ChannelRef): (e: ChainedAuditEvent) => Promise<boolean> {
  const releaseIsHere = new Map<string, boolean>();
  return async (e) => {
    if (e.releaseId !== null) {
      let here = releaseIsHere.get(e.releaseId);
      if (here === undefined) {
        const release = await snapshot.getRelease(e.releaseId);
        here = release !== undefined && scopeOwns(scope, release);
        releaseIsHere.set(e.releaseId, here);
      }
      return here;
    }
    if (typeof e.data.channel === "string") return scopeOwnsChannel(scope, e.data.channel);
    const who = parseSubject(e.actor);
    return who?.kind === "person" && inWorkspaceOf(who, channel);
  };
}

/**
 * The CSV and JSON files of the events with `from <= at <= to` that belong to `channel`'s
 * workspace (or, given `releaseId`, to that release, which the caller checked the asker sees), read from `snapshot` a page at a time (one moment of the trail, while votes go on).
 * The texts are the same as of the whole list at once (`JSON.stringify(events, null, 2)`). The
 * read stops as soon as a file passes `maxBytes`: the export is refused then anyway, and weighing
 * the rest of a range of a million events took 12-19 s of CPU only to say how much too big it was.
 */
export async function exportFiles(snapshot: Snapshot, channel: ChannelRef, from: number, to: number, maxBytes: number, releaseId: string | null = null): Promise<ExportFiles> {
  const header = `${CSV_COLUMNS.join(",")}\n`;
  const csv: string[] = [header];
  const json: string[] = [];
  let csvBytes = Buffer.byteLength(header);
  let jsonBytes = 0;
  let events = 0;
  let lastAt = from;
  const scope = scopeOfChannel(channel);
  // One release's export: the asker's workspace sees it (checked when it was named), so every event of it belongs.
  const belongs = releaseId !== null ? () => Promise.resolve(true) : scope ? workspaceFilter(snapshot, scope, channel) : null;
  for (let after: number | null = 0; belongs && after !== null; ) {
    const page = await snapshot.auditPage(from, to, after);
    after = page.next;
    for (const e of page.events) {
      if ((releaseId !== null && e.releaseId !== releaseId) || !(await belongs(e))) continue;
      const at = new Date(e.at).toISOString();
      const row = { id: e.id, at, release: e.releaseId ?? "", actor: e.actor, platform: e.platform, type: e.type, data: JSON.stringify(e.data), hash: e.hash };
      const line = `${CSV_COLUMNS.map((c) => csvCell(String(row[c]))).join(",")}\n`;
      // An element of a 2-space-indented array: its own lines one level deeper.
      const element = `${events === 0 ? "[\n" : ",\n"}  ${JSON.stringify({ ...e, at }, null, 2).replace(/\n/g, "\n  ")}`;
      csvBytes += Buffer.byteLength(line);
      jsonBytes += Buffer.byteLength(element);
      if (csvBytes > maxBytes || jsonBytes > maxBytes) return { fits: false, fitted: events, passedAt: e.at };
      events++;
      lastAt = e.at;
      csv.push(line);
      json.push(element);
    }
  }
  const close = events === 0 ? "[]\n" : "\n]\n";
  // Only the closing bracket left over: the last event is the one that did not fit.
  if (jsonBytes + Buffer.byteLength(close) > maxBytes) return { fits: false, fitted: events - 1, passedAt: lastAt };
  return { fits: true, events, csv: csv.join(""), json: json.join("") + close };
}

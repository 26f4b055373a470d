import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { admins, channel, createTestCore, person, type TestCore, type TestCoreOptions } from "../helpers/core.js";
import type { Store } from "../../src/app/store.js";
import type { Reply } from "../../src/app/views.js";
import { actorOf } from "../../src/domain/identity.js";
import type { ChannelRef } from "../../src/domain/types.js";

let core: TestCore;
afterEach(async () => core?.close());
const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const textOf = (r: Reply) => (r.type === "message" ? r.text : "");
const TSX = createRequire(import.meta.url).resolve("tsx/cli");

async function history(opts: Pick<TestCoreOptions, "wrapStore"> = {}) {
  core = createTestCore({ config: { admins: admins("terminal:admin") }, ...opts });
  await say("alice", "create payments 1.4.2");
  await say("bob", "vote R-1 go");
  await say("carol", "vote R-1 no-go flaky tests");
  await say("carol", "vote R-1 go");
  await say("alice", "ship R-1");
}

function verifyCli(args: string[] = []): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, [TSX, "db/audit-verify.ts", ...args], { env: { ...process.env, DATABASE_PATH: core.dbPath }, encoding: "utf8" });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, out: err.stdout };
  }
}

describe("audit trail", () => {
  it("shows one release's timeline: who did what, when", async () => {
    await history();
    const r = textOf(await say("dave", "audit R-1"));
    expect(r).toContain("Audit trail of R-1 (UTC)");
    expect(r).toMatch(/Tue 15 Jan 2030 09:00 {2}alice created payments 1.4.2 → production/);
    expect(r).toContain("carol voted NO-GO (flaky tests)");
    expect(r).toContain("carol changed vote NO-GO → GO");
    expect(r).toContain("alice moved it from Voting to Shipping");
  });

  it("says in words what someone was refused", async () => {
    await history();
    await say("dave", "cancel R-1 not mine");
    // The release is named, as the refusal named it: "may not tick readiness criteria on" alone read unfinished.
    expect(textOf(await say("dave", "audit R-1"))).toMatch(/dave was refused: may not cancel R-1$/m);
  });

  it("is append-only: the database refuses to change a row", async () => {
    await history();
    expect(() => core.db.sqlite.prepare("UPDATE audit_events SET actor = 'terminal:mallory' WHERE id = 2").run()).toThrow(/append-only/);
    expect(() => core.db.sqlite.prepare("DELETE FROM audit_events WHERE id = 2").run()).toThrow(/append-only/);
  });

  // Both tests below start the verify CLI (tsx, about a second each on a loaded CI machine) several times.
  it("verifies the hash chain, then detects the first edited row even when the trigger is dropped", { timeout: 30_000 }, async () => {
    await history();
    expect(textOf(await say("admin", "audit verify"))).toMatch(/Audit trail intact: \d+ events/);
    expect(verifyCli()).toMatchObject({ code: 0, out: expect.stringContaining("intact") });
    // Someone with the file edits history behind gonogo's back.
    core.db.sqlite.exec("DROP TRIGGER audit_events_no_update");
    core.db.sqlite.prepare(`UPDATE audit_events SET data = '{"after":{"choice":"go","reason":null}}' WHERE id = 3`).run();
    const r = await say("admin", "audit verify");
    expect(r).toMatchObject({ error: true, text: expect.stringContaining("BROKEN at event 3: row 3 was changed after it was written") });
    expect(verifyCli()).toMatchObject({ code: 1, out: expect.stringContaining("BROKEN at event 3") });
  });

  it("prints the head, and with it recorded catches rows deleted from the end or a trail rewritten with new hashes", { timeout: 30_000 }, async () => {
    await history();
    const first = verifyCli();
    const head = /Head: (\d+):([0-9a-f]{64})/.exec(first.out);
    expect(head).not.toBeNull();
    expect(verifyCli(["--head", `${head![1]}:${head![2]}`])).toMatchObject({ code: 0, out: expect.stringContaining(`${head![1]} still as recorded`) });
    expect(textOf(await say("admin", "audit verify"))).toContain(`Head: \`${head![1]}:${head![2]}\``);
    core.db.sqlite.exec("DROP TRIGGER audit_events_no_delete");
    core.db.sqlite.prepare("DELETE FROM audit_events WHERE id = ?").run(Number(head![1]));
    // The remaining links all hold: only the recorded head shows the loss.
    expect(verifyCli()).toMatchObject({ code: 0 });
    expect(verifyCli(["--head", `${head![1]}:${head![2]}`])).toMatchObject({ code: 1, out: expect.stringContaining(`row ${head![1]}, recorded earlier, is gone`) });
    expect(verifyCli(["--head", "3:abc"])).toMatchObject({ code: 2 });
  });

  it("lets only admins verify, and admins or release-managers export", async () => {
    await history();
    expect(await say("bob", "audit verify")).toMatchObject({ error: true, text: expect.stringContaining("Only admins may verify the audit trail") });
    expect(await say("bob", "audit export")).toMatchObject({ error: true, text: expect.stringContaining("Only admins and release-managers") });
  });

  it("exports CSV and JSON files for a date range", async () => {
    await history();
    const r = await say("admin", "audit export 2030-01-15 2030-01-15");
    expect(r.type === "message" && r.text).toContain("Audit export: 6 events");
    const files = r.type === "message" ? (r.files ?? []) : [];
    expect(files.map((f) => f.name)).toEqual(["gonogo-audit-2030-01-15-to-2030-01-15.csv", "gonogo-audit-2030-01-15-to-2030-01-15.json"]);
    const csv = files[0]!.content.trim().split("\n");
    expect(csv[0]).toBe("id,at,release,actor,platform,type,data,hash");
    expect(csv).toHaveLength(7);
    expect(csv[3]).toContain('"{""before"":null,""after"":{""choice"":""no_go"",""reason"":""flaky tests""}');
    expect(JSON.parse(files[1]!.content)).toHaveLength(6);
    const empty = await say("admin", "audit export 2031-01-01 2031-01-02");
    expect(empty.type === "message" && empty.text).toContain("0 events");
    expect(await say("admin", "audit export yesterday")).toMatchObject({ error: true, text: expect.stringContaining("is not a date") });
  });
});

describe("audit export too big for one message", () => {
  const DAY_MS = 86_400_000;
  /** `count` votes of about 4 KB each (4.4 KB as JSON), `perDay` a day from 12:00 on 2030-01-15, written in time order as gonogo writes them. */
  const bigVotes = (count: number, perDay: number) =>
    core.store.transaction(async (tx) => {
      const base = Date.parse("2030-01-15T12:00:00Z");
      for (let i = 0; i < count; i++) {
        await tx.appendAudit({ releaseId: "R-1", at: base + Math.floor(i / perDay) * DAY_MS + i, actor: "terminal:bob", platform: "terminal", type: "vote_changed", data: { before: null, after: { choice: "go", reason: "x".repeat(4000) }, roles: [] } });
      }
    });
  /** The real store, counting the events its snapshots hand the export. */
  const countingReads = (read: { events: number }) => (store: Store): Store => ({
    ...store,
    readSnapshot: (fn) =>
      store.readSnapshot((snapshot) =>
        fn({
          ...snapshot,
          auditPage: async (from, to, after) => {
            const page = await snapshot.auditPage(from, to, after);
            read.events += page.events.length;
            return page;
          },
        }),
      ),
  });

  it("stops reading once a file passes 8 MB, and is refused with how many events fitted and a narrower range to ask for, which exports", async () => {
    const read = { events: 0 };
    await history({ wrapStore: countingReads(read) });
    // 6,000 events of 4.4 KB as JSON, 1,250 a day from 2030-01-15: about 26 MB; 8 MB is about 1,900 of them.
    await bigVotes(6_000, 1_250);
    const r = await say("admin", "audit export 2030-01-14 2030-01-20");
    expect(r).toMatchObject({ error: true, text: expect.stringMatching(/^That export is more than 8\.0 MB as one file \(more than 1\d\d\d events\): more than one chat message carries\. /) });
    expect(textOf(r)).toContain("Narrow it, e.g. `/release audit export 2030-01-14 2030-01-15`, then ask for the days after it the same way.");
    expect(r.type === "message" && r.files).toBeFalsy();
    // It read up to the page where 8 MB was passed, not the 26 MB of the whole range.
    expect(read.events).toBeLessThan(3_000);
    const narrower = await say("admin", "audit export 2030-01-14 2030-01-15");
    expect(narrower.type === "message" && narrower.files?.length).toBe(2);
    expect(textOf(narrower)).toContain("Audit export: 1256 events");
  });

  it("says when even the first day of the range is more than one message carries", async () => {
    await history();
    await bigVotes(2_500, 2_500);
    const r = await say("admin", "audit export 2030-01-15 2030-01-17");
    expect(r).toMatchObject({ error: true, text: expect.stringMatching(/^That export is more than 8\.0 MB as one file \(more than 1\d\d\d events\)/) });
    expect(textOf(r)).toContain("Its first day, 2030-01-15, is more than chat can carry on its own: ask whoever runs gonogo for a copy of the database (`npm run db:backup <file>` on SQLite).");
  });

  it("sends an export just under 8 MB byte for byte as the whole list at once gives it", async () => {
    await history();
    // 1,850 events of 4.4 KB as JSON (about 7.9 MB), over two days, with quotes, commas, new lines and non-ASCII to escape.
    await core.store.transaction(async (tx) => {
      const base = Date.parse("2030-01-15T12:00:00Z");
      for (let i = 0; i < 1_850; i++) {
        await tx.appendAudit({ releaseId: i % 3 ? "R-1" : null, at: base + Math.floor(i / 1_000) * DAY_MS + i, actor: "terminal:bob", platform: "terminal", type: "vote_changed", data: { before: null, after: { choice: "go", reason: `"ünïcode", line ${i}\nnext ${"x".repeat(3_960)}` }, roles: [] } });
      }
    });
    const r = await say("admin", "audit export 2030-01-15 2030-01-16");
    const files = r.type === "message" ? (r.files ?? []) : [];
    expect(files).toHaveLength(2);
    const events = await core.store.listAuditRange(Date.parse("2030-01-15T00:00:00Z"), Date.parse("2030-01-17T00:00:00Z") - 1);
    const columns = ["id", "at", "release", "actor", "platform", "type", "data", "hash"] as const;
    const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const rows = events.map((e) => ({ id: e.id, at: new Date(e.at).toISOString(), release: e.releaseId ?? "", actor: e.actor, platform: e.platform, type: e.type, data: JSON.stringify(e.data), hash: e.hash }));
    expect(files[0]!.content).toBe([columns.join(","), ...rows.map((row) => columns.map((c) => cell(String(row[c]))).join(","))].join("\n") + "\n");
    expect(files[1]!.content).toBe(`${JSON.stringify(events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })), null, 2)}\n`);
    expect(Buffer.byteLength(files[1]!.content)).toBeGreaterThan(7.5 * 2 ** 20);
  });
});

describe("audit export across workspaces", () => {
  it("holds only the events of the workspace it is asked in: another workspace's votes and reasons stay out", async () => {
    core = createTestCore({ config: { admins: admins("slack:T1:UADMIN", "slack:T2:UADMIN") } });
    const slackPerson = (team: string, user: string) => actorOf({ kind: "person", platform: "slack", scope: team, user }, user.toLowerCase());
    const slackChannel = (team: string): ChannelRef => ({ platform: "slack", key: `slack:${team}:C1`, nativeId: "C1" });
    const sayIn = (team: string, user: string, text: string) => core.bot.handle({ kind: "command", actor: slackPerson(team, user), channel: slackChannel(team), text });
    await sayIn("T1", "UADMIN", "policy set quorum=1");
    await sayIn("T1", "UALICE", "create payments 1.4.2");
    await sayIn("T1", "UBOB", "vote R-1 no-go acme secret outage");
    await sayIn("T2", "UADMIN", "policy set quorum=3");
    await sayIn("T2", "UADMIN", "role grant UOSCAR oncall");
    await sayIn("T2", "UGINA", "create search 2.0.0");
    await sayIn("T2", "UHANK", "vote R-2 no-go globex secret launch");

    const exported = await sayIn("T2", "UADMIN", "audit export");
    const json = JSON.parse(exported.type === "message" ? exported.files![1]!.content : "[]") as Array<{ releaseId: string | null; type: string; data: Record<string, unknown> }>;
    expect(json.map((e) => [e.releaseId, e.type])).toEqual([
      [null, "policy_changed"],
      [null, "role_granted"],
      ["R-2", "release_created"],
      ["R-2", "vote_cast"],
    ]);
    expect(JSON.stringify(json)).not.toContain("acme secret");
    expect(textOf(exported)).toContain("Audit export: 4 events");
  });
});

describe("audit export dates", () => {
  const exportIn = async (zone: string, args: string) => {
    core = createTestCore({ config: { admins: admins("terminal:admin"), timezone: zone } });
    return say("admin", `audit export ${args}`);
  };
  const namesOf = (r: Reply) => (r.type === "message" ? (r.files ?? []).map((f) => f.name) : []);

  it.each([
    ["2026-02-30", "`2026-02-30` is not a date: February 2026 has days 01 to 28."],
    ["2028-02-30", "`2028-02-30` is not a date: February 2028 has days 01 to 29."],
    ["2026-11-31", "`2026-11-31` is not a date: November 2026 has days 01 to 30."],
    ["2026-13-01", "`2026-13-01` is not a date: months go from 01 to 12."],
    ["2026-01-00", "`2026-01-00` is not a date: January 2026 has days 01 to 31."],
    ["2026-01-01 2026-04-31", "`2026-04-31` is not a date: April 2026 has days 01 to 30."],
  ])("refuses the impossible date in `audit export %s`, naming what is wrong, instead of rolling it over", async (args, reason) => {
    const r = await exportIn("UTC", args);
    expect(r).toMatchObject({ error: true, text: expect.stringContaining(reason) });
    expect(textOf(r)).toContain("/release audit export 2030-01-01 2030-01-31");
    expect(namesOf(r)).toEqual([]);
  });

  it("names the files after the dates typed, in the channel's zone, not after their UTC dates", async () => {
    const r = await exportIn("Europe/Berlin", "2026-12-03 2026-12-03");
    expect(textOf(r)).toContain("from Thu 3 Dec 2026 00:00 (Europe/Berlin) to Thu 3 Dec 2026 23:59 (Europe/Berlin)");
    expect(namesOf(r)).toEqual(["gonogo-audit-2026-12-03-to-2026-12-03.csv", "gonogo-audit-2026-12-03-to-2026-12-03.json"]);
  });

  it("names the default range (the last 30 days) after the channel's dates", async () => {
    // 09:00 UTC on 15 Jan is 23:00 on 14 Jan in Honolulu.
    const r = await exportIn("Pacific/Honolulu", "");
    expect(namesOf(r)).toEqual(["gonogo-audit-2029-12-15-to-2030-01-14.csv", "gonogo-audit-2029-12-15-to-2030-01-14.json"]);
  });

  it("covers a whole 25-hour day when the clocks go back, and only its 23 hours when they go forward", async () => {
    // 23:30 in Berlin on Sun 27 Oct 2030, the 25th hour of the day.
    core = createTestCore({ now: Date.UTC(2030, 9, 27, 22, 30), config: { admins: admins("terminal:admin"), timezone: "Europe/Berlin" } });
    await say("alice", "create payments 1.4.2");
    expect(textOf(await say("admin", "audit export 2030-10-27 2030-10-27"))).toContain("Audit export: 1 event from Sun 27 Oct 2030 00:00 (Europe/Berlin) to Sun 27 Oct 2030 23:59 (Europe/Berlin)");
    await core.close();
    // 00:30 in Berlin on Mon 1 Apr 2030, just after the 23-hour Sun 31 Mar.
    core = createTestCore({ now: Date.UTC(2030, 2, 31, 22, 30), config: { admins: admins("terminal:admin"), timezone: "Europe/Berlin" } });
    await say("alice", "create payments 1.4.2");
    expect(textOf(await say("admin", "audit export 2030-03-31 2030-03-31"))).toContain("Audit export: 0 events from Sun 31 Mar 2030 00:00 (Europe/Berlin) to Sun 31 Mar 2030 23:59 (Europe/Berlin)");
    expect(textOf(await say("admin", "audit export 2030-04-01 2030-04-01"))).toContain("Audit export: 1 event from");
  });

  it("says how to fix a range given backwards, or a start after today", async () => {
    expect(await exportIn("UTC", "2030-01-10 2030-01-01")).toMatchObject({ error: true, text: expect.stringContaining("`/release audit export 2030-01-01 2030-01-10`") });
    await core.close();
    expect(await exportIn("UTC", "2030-02-01")).toMatchObject({ error: true, text: "The start date 2030-02-01 is after today (2030-01-15): nothing has happened then yet. Pick a start up to today, e.g. `/release audit export 2030-01-15` for today's events." });
    await core.close();
    // Only an end date, as Slack and Discord forms can send it: before the default start 30 days back.
    core = createTestCore({ config: { admins: admins("terminal:admin") } });
    const onlyTo = await core.bot.handle({ kind: "command", actor: person("admin"), channel, command: { name: "audit", op: "export", from: null, to: "2029-12-01", id: null } });
    expect(onlyTo).toMatchObject({ error: true, text: expect.stringContaining("Give a start date too, e.g. `/release audit export 2029-12-01 2029-12-01`") });
  });
});

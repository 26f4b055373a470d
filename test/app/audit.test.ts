import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { admins, channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import type { Reply } from "../../src/app/views.js";

let core: TestCore;
afterEach(async () => core?.close());
const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const textOf = (r: Reply) => (r.type === "message" ? r.text : "");
const TSX = createRequire(import.meta.url).resolve("tsx/cli");

async function history() {
  core = createTestCore({ config: { admins: admins("terminal:admin") } });
  await say("alice", "create payments 1.4.2");
  await say("bob", "vote R-1 go");
  await say("carol", "vote R-1 no-go flaky tests");
  await say("carol", "vote R-1 go");
  await say("alice", "ship R-1");
}

function verifyCli(): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, [TSX, "db/audit-verify.ts"], { env: { ...process.env, DATABASE_PATH: core.dbPath }, encoding: "utf8" });
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
    expect(r).toContain("alice state voting → shipping");
  });

  it("is append-only: the database refuses to change a row", async () => {
    await history();
    expect(() => core.db.sqlite.prepare("UPDATE audit_events SET actor = 'terminal:mallory' WHERE id = 2").run()).toThrow(/append-only/);
    expect(() => core.db.sqlite.prepare("DELETE FROM audit_events WHERE id = 2").run()).toThrow(/append-only/);
  });

  it("verifies the hash chain, then detects the first edited row even when the trigger is dropped", async () => {
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

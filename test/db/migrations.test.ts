import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { auditHash, GENESIS, verifyChain } from "../../db/audit-chain.js";
import { migrationsBehind, openDatabase, type DatabaseHandle } from "../../db/client.js";
import { copySqliteToPostgres } from "../../db/copy-to-postgres.js";

const MIGRATIONS = fileURLToPath(new URL("../../db/migrations", import.meta.url));

/** The migrations folder as an earlier gonogo shipped it: the files up to `tag`, and a journal ending there. */
function migrationsUpTo(tag: string, dir: string): string {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === tag) + 1);
  const out = join(dir, "migrations");
  mkdirSync(join(out, "meta"), { recursive: true });
  for (const e of entries) cpSync(join(MIGRATIONS, `${e.tag}.sql`), join(out, `${e.tag}.sql`));
  writeFileSync(join(out, "meta/_journal.json"), JSON.stringify({ ...journal, entries }));
  return out;
}

const VOTERS = ["discord:1:300", "discord:1:100", "slack:T1:U2"];

/** A database as gonogo up to migration 0004 left it: one release, three votes, a chained audit trail. */
function seedOldDatabase(path: string, dir: string): void {
  const old = new Database(path);
  migrate(drizzle(old), { migrationsFolder: migrationsUpTo("0004_jobs_release_index", dir) });
  old
    .prepare(
      `INSERT INTO releases (seq, service, version, environment, manager_id, manager_name, channel_platform, channel_key, channel_native_id, timezone, state, created_at, created_by)
       VALUES (1, 'payments', '1.4.2', 'production', 'slack:T1:U1', 'Ana', 'slack', 'slack:T1:C1', 'C1', 'UTC', 'voting', 1000, 'slack:T1:U1')`,
    )
    .run();
  const vote = old.prepare("INSERT INTO votes (release_seq, voter, voter_name, choice, reason, roles, at) VALUES (1, ?, ?, ?, ?, '[]', ?)");
  VOTERS.forEach((voter, i) => vote.run(voter, `Voter ${i}`, i === 2 ? "no_go" : "go", i === 2 ? "flaky test" : null, 2000 + i));
  const audit = old.prepare("INSERT INTO audit_events (release_id, at, actor, platform, type, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  let prev = GENESIS;
  for (const [i, actor] of ["slack:T1:U1", ...VOTERS].entries()) {
    const row = { releaseId: "R-1", at: 1000 + i, actor, platform: actor.split(":")[0]!, type: i === 0 ? "release_created" : "vote_cast", data: "{}" };
    const hash = auditHash(prev, row);
    audit.run(row.releaseId, row.at, row.actor, row.platform, row.type, row.data, prev, hash);
    prev = hash;
  }
  old.close();
}

describe("db:copy from a database an earlier gonogo left", () => {
  it("says to start this version on it once, instead of 'no such table', and copies nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gonogo-copy-old-"));
    try {
      const path = join(dir, "gonogo.db");
      seedOldDatabase(path, dir);
      const refused = await copySqliteToPostgres(path, "postgres://nobody@127.0.0.1:1/never-opened").then(() => "copied", (err: Error) => err.message);
      expect(refused).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} was last used by an older gonogo \\(\\d+ migrations behind this version\\); nothing was copied\\. Start this version on it once`));
      // Once this version has run on it, the check passes.
      openDatabase(path).close();
      const sqlite = new Database(path, { readonly: true });
      expect(migrationsBehind(sqlite)).toBe(0);
      sqlite.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("upgrading a database from an earlier gonogo", () => {
  let handle: DatabaseHandle | undefined;
  let dir: string | undefined;
  afterEach(() => {
    handle?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    handle = dir = undefined;
  });

  it("keeps every vote and the audit chain through the table rebuilds, and the trail stays append-only", () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-upgrade-"));
    const path = join(dir, "gonogo.db");
    seedOldDatabase(path, dir);

    handle = openDatabase(path);
    const { sqlite } = handle;
    const votes = sqlite.prepare("SELECT voter, voter_name AS name, choice, reason FROM votes WHERE release_seq = 1 ORDER BY at").all();
    expect(votes).toEqual([
      { voter: VOTERS[0], name: "Voter 0", choice: "go", reason: null },
      { voter: VOTERS[1], name: "Voter 1", choice: "go", reason: null },
      { voter: VOTERS[2], name: "Voter 2", choice: "no_go", reason: "flaky test" },
    ]);
    expect(verifyChain(sqlite)).toMatchObject({ ok: true, count: 4 });

    expect(() => sqlite.prepare("UPDATE audit_events SET actor = 'slack:T1:MALLORY' WHERE id = 2").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare("DELETE FROM audit_events WHERE id = 2").run()).toThrow(/append-only/);
    // New rows follow the old ones.
    const added = sqlite.prepare("INSERT INTO audit_events (release_id, at, actor, platform, type, data) VALUES ('R-1', 5000, 'slack:T1:U1', 'slack', 'note', '{}')").run();
    expect(added.lastInsertRowid).toBe(5);

    const tableSql = (name: string) => (sqlite.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) as { sql: string }).sql;
    expect(tableSql("votes")).toMatch(/WITHOUT ROWID\s*$/);
    expect(tableSql("audit_events")).not.toMatch(/AUTOINCREMENT/);
    // The votes still belong to their release: deleting it takes them along.
    sqlite.prepare("DELETE FROM releases WHERE seq = 1").run();
    expect(sqlite.prepare("SELECT count(*) AS n FROM votes").get()).toEqual({ n: 0 });
  });
});

describe("upgrading retro answers to one per person", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("joins the answers one person gave before into one, in the order written, and leaves one person's single answer alone", () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-retro-upgrade-"));
    const path = join(dir, "gonogo.db");
    const old = new Database(path);
    migrate(drizzle(old), { migrationsFolder: migrationsUpTo("0013_hook_receipt_body_hash", dir) });
    const add = old.prepare("INSERT INTO retro_answers (release_id, author, author_name, went_well, went_badly, action_items, at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    add.run("R-1", "slack:T1:bob", "bob", "fast vote", "", "@dana canary alerts", 1000);
    add.run("R-1", "slack:T1:carol", "carol", "", "late QA", "", 1500);
    add.run("R-1", "slack:T1:bob", "Bob B.", "", "slow deploy", "@bob runbook", 2000);
    add.run("R-2", "slack:T1:bob", "bob", "another release", "", "", 3000);
    old.close();

    const handle = openDatabase(path);
    try {
      const rows = handle.sqlite.prepare("SELECT release_id, author, author_name, went_well, went_badly, action_items, at FROM retro_answers ORDER BY id").all();
      expect(rows).toEqual([
        { release_id: "R-1", author: "slack:T1:carol", author_name: "carol", went_well: "", went_badly: "late QA", action_items: "", at: 1500 },
        { release_id: "R-1", author: "slack:T1:bob", author_name: "Bob B.", went_well: "fast vote", went_badly: "slow deploy", action_items: "@dana canary alerts\n@bob runbook", at: 2000 },
        { release_id: "R-2", author: "slack:T1:bob", author_name: "bob", went_well: "another release", went_badly: "", action_items: "", at: 3000 },
      ]);
      // From here on the database itself keeps one per person.
      expect(() => handle.sqlite.prepare("INSERT INTO retro_answers (release_id, author, author_name, went_well, went_badly, action_items, at) VALUES ('R-1', 'slack:T1:bob', 'bob', 'x', '', '', 4000)").run()).toThrow(/UNIQUE/);
    } finally {
      handle.close();
    }
  });
});

describe("upgrading restored releases whose note still asks to mark them restored", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("drops the advice from the releases already restored and leaves it on the one still rolled back", () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-advice-upgrade-"));
    const path = join(dir, "gonogo.db");
    const old = new Database(path);
    migrate(drizzle(old), { migrationsFolder: migrationsUpTo("0017_identity_links", dir) });
    const add = old.prepare(
      `INSERT INTO releases (seq, service, version, environment, manager_id, manager_name, channel_platform, channel_key, channel_native_id, timezone, state, created_at, created_by, recovered_at, webhook_note)
       VALUES (?, 'search', '6.0.0', 'production', 'slack:T1:U1', 'Ana', 'slack', 'slack:T1:C1', 'C1', 'UTC', 'rolled_back', 1000, 'slack:T1:U1', ?, ?)`,
    );
    add.run(6, 5000, "Rollback webhook: delivered (HTTP 200) — mark the service restored with `/release recovered R-6`");
    add.run(7, null, "Rollback webhook: delivered (HTTP 202) — mark the service restored with `/release recovered R-7`");
    add.run(8, 5000, "Rollback webhook: withdrawn, not sent (the service was marked restored first)");
    add.run(9, 5000, "No rollback webhook is configured: roll back by hand, then `/release recovered R-9`.");
    add.run(10, null, "No rollback webhook is configured: roll back by hand, then `/release recovered R-10`.");
    old.close();

    const handle = openDatabase(path);
    try {
      const notes = handle.sqlite.prepare("SELECT seq, webhook_note AS note FROM releases ORDER BY seq").all();
      expect(notes).toEqual([
        { seq: 6, note: "Rollback webhook: delivered (HTTP 200)" },
        // Not restored yet: the advice is still what to do.
        { seq: 7, note: "Rollback webhook: delivered (HTTP 202) — mark the service restored with `/release recovered R-7`" },
        { seq: 8, note: "Rollback webhook: withdrawn, not sent (the service was marked restored first)" },
        // Rolled back by hand and restored: nothing left to say (as today's gonogo leaves it at recovery).
        { seq: 9, note: null },
        { seq: 10, note: "No rollback webhook is configured: roll back by hand, then `/release recovered R-10`." },
      ]);
    } finally {
      handle.close();
    }
  });
});

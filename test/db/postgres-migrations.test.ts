import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../db/postgres/client.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";

const MIGRATIONS = fileURLToPath(new URL("../../db/postgres/migrations", import.meta.url));

/** The PostgreSQL migrations folder as an earlier gonogo shipped it: the files up to `tag`, and a journal ending there. */
function migrationsUpTo(tag: string, dir: string): string {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === tag) + 1);
  const out = join(dir, "migrations");
  mkdirSync(join(out, "meta"), { recursive: true });
  for (const e of entries) cpSync(join(MIGRATIONS, `${e.tag}.sql`), join(out, `${e.tag}.sql`));
  writeFileSync(join(out, "meta/_journal.json"), JSON.stringify({ ...journal, entries }));
  return out;
}

describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "PostgreSQL upgrades" : `PostgreSQL upgrades ${SKIP_WITHOUT_POSTGRES}`, () => {
  let databases: TestDatabases;
  beforeAll(() => {
    databases = createTestDatabases(TEST_DATABASE_URL!);
  });
  afterAll(() => databases.dropAll(), 60_000);

  it("joins the retro answers one person gave before into one, in the order written, and then keeps one per person", async () => {
    const url = await databases.fresh({ migrated: false });
    const dir = mkdtempSync(join(tmpdir(), "gonogo-pg-retro-upgrade-"));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await migrate(drizzle(client), { migrationsFolder: migrationsUpTo("0011_hook_receipt_body_hash", dir) });
      const add = (values: unknown[]) => client.query("INSERT INTO retro_answers (release_id, author, author_name, went_well, went_badly, action_items, at) VALUES ($1, $2, $3, $4, $5, $6, $7)", values);
      await add(["R-1", "slack:T1:bob", "bob", "fast vote", "", "@dana canary alerts", 1000]);
      await add(["R-1", "slack:T1:carol", "carol", "", "late QA", "", 1500]);
      await add(["R-1", "slack:T1:bob", "Bob B.", "", "slow deploy", "@bob runbook", 2000]);
      await add(["R-2", "slack:T1:bob", "bob", "another release", "", "", 3000]);

      const handle = await openPostgres(url, { max: 1 });
      await handle.close();
      const { rows } = await client.query("SELECT release_id, author, author_name, went_well, went_badly, action_items, at::int AS at FROM retro_answers ORDER BY id");
      expect(rows).toEqual([
        { release_id: "R-1", author: "slack:T1:carol", author_name: "carol", went_well: "", went_badly: "late QA", action_items: "", at: 1500 },
        { release_id: "R-1", author: "slack:T1:bob", author_name: "Bob B.", went_well: "fast vote", went_badly: "slow deploy", action_items: "@dana canary alerts\n@bob runbook", at: 2000 },
        { release_id: "R-2", author: "slack:T1:bob", author_name: "bob", went_well: "another release", went_badly: "", action_items: "", at: 3000 },
      ]);
      await expect(add(["R-1", "slack:T1:bob", "bob", "x", "", "", 4000])).rejects.toThrow(/duplicate key/);
    } finally {
      await client.end();
      await databases.drop(url);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("drops the advice to mark a release restored from the releases already restored, and leaves it on the one still rolled back", async () => {
    const url = await databases.fresh({ migrated: false });
    const dir = mkdtempSync(join(tmpdir(), "gonogo-pg-advice-upgrade-"));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await migrate(drizzle(client), { migrationsFolder: migrationsUpTo("0015_identity_links", dir) });
      const add = (values: unknown[]) =>
        client.query(
          `INSERT INTO releases (seq, service, version, environment, manager_id, manager_name, channel_platform, channel_key, channel_native_id, timezone, state, created_at, created_by, recovered_at, webhook_note)
           VALUES ($1, 'search', '6.0.0', 'production', 'slack:T1:U1', 'Ana', 'slack', 'slack:T1:C1', 'C1', 'UTC', 'rolled_back', 1000, 'slack:T1:U1', $2, $3)`,
          values,
        );
      await add([6, 5000, "Rollback webhook: delivered (HTTP 200) — mark the service restored with `/release recovered R-6`"]);
      await add([7, null, "Rollback webhook: delivered (HTTP 202) — mark the service restored with `/release recovered R-7`"]);
      await add([8, 5000, "Rollback webhook: withdrawn, not sent (the service was marked restored first)"]);
      await add([9, 5000, "No rollback webhook is configured: roll back by hand, then `/release recovered R-9`."]);
      await add([10, null, "No rollback webhook is configured: roll back by hand, then `/release recovered R-10`."]);

      const handle = await openPostgres(url, { max: 1 });
      await handle.close();
      const { rows } = await client.query("SELECT seq, webhook_note AS note FROM releases ORDER BY seq");
      expect(rows).toEqual([
        { seq: 6, note: "Rollback webhook: delivered (HTTP 200)" },
        // Not restored yet: the advice is still what to do.
        { seq: 7, note: "Rollback webhook: delivered (HTTP 202) — mark the service restored with `/release recovered R-7`" },
        { seq: 8, note: "Rollback webhook: withdrawn, not sent (the service was marked restored first)" },
        // Rolled back by hand and restored: nothing left to say (as today's gonogo leaves it at recovery).
        { seq: 9, note: null },
        { seq: 10, note: "No rollback webhook is configured: roll back by hand, then `/release recovered R-10`." },
      ]);
    } finally {
      await client.end();
      await databases.drop(url);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

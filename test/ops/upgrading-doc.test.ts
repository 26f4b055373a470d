import Database from "better-sqlite3";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { copySqliteToPostgres } from "../../db/copy-to-postgres.js";

/*
 * The README's Upgrading section tells a team running several instances on PostgreSQL when it may
 * upgrade them one at a time while older ones keep serving. That is safe only while a migration
 * adds: one that deletes or rewrites rows, drops or renames, or makes an existing table's rows
 * unique breaks what an older instance still writes (an upgrade trial saw an older instance fail a
 * person's second retro answer after 0013's unique index). Each such migration must be named there.
 */

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const upgrading = readme.slice(readme.indexOf("### Upgrading"), readme.indexOf("### PostgreSQL"));
const dir = new URL("../../db/postgres/migrations/", import.meta.url);

/** Statements an older instance, still writing as before, can trip over. */
function notRollingSafe(sql: string): boolean {
  const created = new Set([...sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?(\w+)"?/gi)].map((m) => m[1]!));
  const uniqueOnOld = [...sql.matchAll(/CREATE UNIQUE INDEX [^;]*? ON "?(\w+)"?/gi)].some((m) => !created.has(m[1]!));
  const rewrites = /^\s*(DELETE FROM|UPDATE \w+ SET|DROP |ALTER TABLE [^;]*(RENAME|DROP|SET NOT NULL))/im.test(sql);
  return uniqueOnOld || rewrites;
}

const migrations = readdirSync(dir).filter((f) => f.endsWith(".sql"));

describe("README, Upgrading: one instance at a time on PostgreSQL", () => {
  it("names every PostgreSQL migration that is not safe beside an older instance still serving", () => {
    const unsafe = migrations.filter((f) => notRollingSafe(readFileSync(new URL(f, dir), "utf8"))).map((f) => f.slice(0, 4));
    expect(unsafe.length).toBeGreaterThan(0);
    expect(unsafe.filter((n) => !upgrading.includes(n))).toEqual([]);
  });

  it("finds the migrations that only add tables, columns and indexes safe", () => {
    expect(notRollingSafe(readFileSync(new URL("0011_hook_receipt_body_hash.sql", dir), "utf8"))).toBe(false);
    expect(notRollingSafe(readFileSync(new URL("0015_identity_links.sql", dir), "utf8"))).toBe(false);
  });
});

describe("README, PostgreSQL: moving an SQLite installation with db:copy", () => {
  it("says that a file an older gonogo last used is refused until this version has started on it, as it is", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gonogo-copy-old-"));
    try {
      const path = join(dir, "gonogo.db");
      const old = new Database(path);
      old.exec(readFileSync(new URL("../fixtures/upgrade/gonogo-1f51dd3.sql", import.meta.url), "utf8"));
      old.close();
      // Refused before any connection is made: the target is never opened.
      const refused = await copySqliteToPostgres(path, "postgres://nobody@127.0.0.1:1/never-opened").then(() => "copied", (err: Error) => err.message);
      expect(refused).toContain("was last used by an older gonogo");
      const postgres = readme.slice(readme.indexOf("### PostgreSQL"), readme.indexOf("## Running more than one instance"));
      expect(postgres).toContain("a source an older gonogo last used (start this version on it once, stop it, then copy)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

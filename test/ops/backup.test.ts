import { execFileSync } from "node:child_process";
import Database from "better-sqlite3";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { ROOT } from "../helpers/program.js";

let core: TestCore;
let dir: string;
afterEach(async () => {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run db:backup", () => {
  it("copies the live database with SQLite's online backup, and refuses to overwrite a file", async () => {
    core = createTestCore();
    dir = mkdtempSync(join(tmpdir(), "gonogo-backup-"));
    await core.bot.handle({ kind: "command", actor: person("alice"), channel, text: "create payments 1.4.2" });
    await core.bot.handle({ kind: "command", actor: person("bob"), channel, text: "vote R-1 go" });
    const target = join(dir, "backup.db");
    const run = () => execFileSync(process.execPath, [join(ROOT, "dist/db-backup.js"), target], { env: { ...process.env, DATABASE_PATH: core.dbPath }, encoding: "utf8", stdio: "pipe" });
    // gonogo keeps the database open while the backup runs.
    expect(run()).toContain("Backed up");
    const copy = new Database(target, { readonly: true });
    expect(copy.prepare("SELECT voter, choice FROM votes").all()).toEqual([{ voter: "terminal:bob", choice: "go" }]);
    copy.close();
    expect(() => run()).toThrow(/already exists/);
  }, 20_000);

  it("creates the folders of a backup file that do not exist yet, and says so when one cannot be made", async () => {
    core = createTestCore();
    dir = mkdtempSync(join(tmpdir(), "gonogo-backup-"));
    await core.bot.handle({ kind: "command", actor: person("alice"), channel, text: "create payments 1.4.2" });
    // As in the docs: a relative path under a backups/ folder that the first backup has to create.
    const run = (target: string) => execFileSync(process.execPath, [join(ROOT, "dist/db-backup.js"), target], { cwd: dir, env: { ...process.env, DATABASE_PATH: core.dbPath }, encoding: "utf8", stdio: "pipe" });
    expect(run("backups/2030/gonogo-2030-01-15.db")).toContain("Backed up");
    const copy = new Database(join(dir, "backups/2030/gonogo-2030-01-15.db"), { readonly: true });
    expect(copy.prepare("SELECT service, version FROM releases").all()).toEqual([{ service: "payments", version: "1.4.2" }]);
    copy.close();
    // A file where a folder should be: refused once, naming the folder, with nothing left behind.
    writeFileSync(join(dir, "not-a-folder"), "");
    expect(() => run("not-a-folder/sub/gonogo.db")).toThrow(/Cannot create the folder .*not-a-folder\/sub for not-a-folder\/sub\/gonogo.db \(ENOTDIR\); pick a backup file in a folder you can write/);
    expect(existsSync(join(dir, "not-a-folder/sub"))).toBe(false);
  }, 20_000);
});

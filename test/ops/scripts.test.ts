import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person } from "../helpers/core.js";
import { ROOT } from "../helpers/program.js";

/** The operator scripts as `npm run build` puts them in dist/, run with plain node as in production. */
const SCRIPTS = [
  { script: "db:backup", file: "dist/db-backup.js", usage: "[options] <backup-file>" },
  { script: "audit:verify", file: "dist/audit-verify.js", usage: "[options]" },
  { script: "discord:register", file: "dist/discord-register.js", usage: "[options]" },
] as const;

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), "gonogo-scripts-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a built script in `cwd` with only the environment given (no inherited tokens or DATABASE_PATH). */
function run(file: string, args: string[], env: Record<string, string> = {}, cwd = dir) {
  const r = spawnSync(process.execPath, [join(ROOT, file), ...args], { cwd, env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One line, no stack trace. */
const oneLine = (text: string) => expect(text.trimEnd().split("\n")).toHaveLength(1);

describe.each(SCRIPTS)("$script", ({ script, file, usage }) => {
  it("answers --help with its usage and exits 0 without doing anything", () => {
    const r = run(file, ["--help"], { DATABASE_PATH: join(dir, "gonogo.db") });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: node ${join(ROOT, file)} ${usage}\n`);
    expect(r.stdout).toMatch(/-h, --help\s+show this help/);
    expect(r.stderr).toBe("");
  });

  it("refuses an unknown option in one line that says to run --help, and exits 2", () => {
    const r = run(file, ["--frobnicate"], { DATABASE_PATH: join(dir, "gonogo.db") });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${script}: Unknown option '--frobnicate'. Run \`node ${join(ROOT, file)} --help\` for usage.\n`);
  });

  it("refuses an argument it does not take, and writes nothing", () => {
    const r = run(file, ["one.db", "two.db"], { DATABASE_PATH: join(dir, "gonogo.db") });
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain(`${script}: Unexpected argument '${script === "db:backup" ? "two.db" : "one.db"}'`);
    expect(existsSync(join(dir, "one.db")) || existsSync(join(dir, "two.db"))).toBe(false);
  });
});

describe("npm run db:backup", () => {
  afterEach(() => rmSync(join(ROOT, "--help"), { force: true }));

  it("answers `-- --help` with its usage instead of writing a backup file named --help", async () => {
    const core = createTestCore({ dir });
    const r = spawnSync("npm", ["run", "--silent", "db:backup", "--", "--help"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: dir, DATABASE_PATH: core.dbPath },
      encoding: "utf8",
    });
    await core.close();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: npm run db:backup -- [options] <backup-file>");
    expect(existsSync(join(ROOT, "--help"))).toBe(false);
  }, 20_000);

  it("says what is missing when no file is named", () => {
    const r = run("dist/db-backup.js", [], { DATABASE_PATH: join(dir, "gonogo.db") });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`db:backup: Missing <backup-file>. Run \`node ${join(ROOT, "dist/db-backup.js")} --help\` for usage.\n`);
  });

  it("reports a failed backup in one line without a stack trace, and leaves no partial file", () => {
    writeFileSync(join(dir, "notes.db"), "these are notes, not a SQLite database ".repeat(20));
    const r = run("dist/db-backup.js", ["copy.db"], { DATABASE_PATH: join(dir, "notes.db") });
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^db:backup: Backing up .*notes\.db to copy\.db failed: file is not a database/);
    expect(existsSync(join(dir, "copy.db"))).toBe(false);
  });
});

describe("npm run audit:verify", () => {
  it("says DATABASE_PATH is not a database file when it names a folder", () => {
    mkdirSync(join(dir, "folder"));
    const r = run("dist/audit-verify.js", [], { DATABASE_PATH: join(dir, "folder") });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`audit:verify: No database file at ${join(dir, "folder")}. Set DATABASE_PATH to the file gonogo uses (or DATABASE_URL for PostgreSQL).\n`);
  });

  it("reads DATABASE_PATH from .env, as npm start does", async () => {
    const core = createTestCore({ dir });
    await core.bot.handle({ kind: "command", actor: person("alice"), channel, text: "create payments 1.4.2" });
    await core.close();
    const cwd = join(dir, "checkout");
    mkdirSync(cwd);
    writeFileSync(join(cwd, ".env"), `DATABASE_PATH=${core.dbPath}\n`);
    const r = run("dist/audit-verify.js", [], {}, cwd);
    expect(r.stderr).toBe("");
    // One release, one event: said in the singular.
    expect(r.stdout).toMatch(/^Audit trail intact: 1 event, every link verified\. Head: 1:[0-9a-f]{64} .*\n$/);
    expect(r.code).toBe(0);
  });
});

describe("npm run discord:register", () => {
  it("without a token says which variables to set, in one line", () => {
    const r = run("dist/discord-register.js", []);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("discord:register: Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (see the Discord section of README.md).\n");
  });
});

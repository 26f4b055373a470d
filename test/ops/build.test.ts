import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/program.js";

// A copy of the checkout, so building never touches the dist/ other tests are running.
let checkout: string;
beforeEach(() => {
  checkout = mkdtempSync(join(tmpdir(), "gonogo-build-"));
  for (const part of ["src", "adapters", "db", "scripts", "package.json", "package-lock.json"]) cpSync(join(ROOT, part), join(checkout, part), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(checkout, "node_modules"));
});
afterEach(() => rmSync(checkout, { recursive: true, force: true }));

const buildIfStale = () => execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale"], { cwd: checkout, encoding: "utf8", stdio: "pipe" });
const built = (file: string) => {
  const s = statSync(join(checkout, "dist", file));
  return { ino: s.ino, mtime: s.mtimeMs };
};
/** Marks a file as edited after the last build, without waiting for the clock to move. */
const edit = (file: string) => {
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(checkout, file), later, later);
};

describe("the build step before npm start (scripts/build.mjs --if-stale)", () => {
  it("builds gonogo and its operator scripts when dist/ is missing, as on a fresh clone", () => {
    buildIfStale();
    for (const file of ["main.js", "db-backup.js", "audit-verify.js", "discord-register.js"]) expect(existsSync(join(checkout, "dist", file))).toBe(true);
  }, 30_000);

  it("leaves a current dist/ alone, and rebuilds once a source it was built from changes", () => {
    buildIfStale();
    const first = built("main.js");
    buildIfStale();
    expect(built("main.js")).toEqual(first);
    edit("src/domain/votes.ts");
    buildIfStale();
    expect(built("main.js")).not.toEqual(first);
  }, 30_000);

  it("rebuilds when an output is missing", () => {
    buildIfStale();
    rmSync(join(checkout, "dist/db-backup.js"));
    buildIfStale();
    expect(existsSync(join(checkout, "dist/db-backup.js"))).toBe(true);
  }, 30_000);
});

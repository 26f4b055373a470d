import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { ROOT } from "../helpers/program.js";

const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
const config = readFileSync(new URL("../../src/config.ts", import.meta.url), "utf8");
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe(".env.example", () => {
  it("documents every variable gonogo reads, with a comment, and the README lists them too", () => {
    const read = [...config.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    expect(read.length).toBeGreaterThan(20);
    for (const name of read) {
      expect(example, name).toMatch(new RegExp(`#[^\\n]*\\n(#[^\\n]*\\n)*${name}=`));
      expect(readme, name).toContain(`\`${name}\``);
    }
  });

  it("starts as is: copying it to .env gives a valid configuration (the terminal adapter)", () => {
    const env = Object.fromEntries(
      example
        .split("\n")
        .filter((l) => /^[A-Z]/.test(l))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    const c = loadConfig(env);
    expect(c.slack).toBeUndefined();
    expect(c.discord).toBeUndefined();
    expect(c.databasePath).toBe("./data/gonogo.db");
  });
});

describe("configuration errors", () => {
  it("name the variable once, say what is expected, and never echo secrets", () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxp-user-token-secret" })).toThrow(/\n {2}SLACK_BOT_TOKEN must be the bot token \(OAuth & Permissions\) starting with xoxb-\.\n/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxp-user-token-secret" })).not.toThrow(/xoxp-user-token-secret/);
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/ {2}PORT must be a whole number from 0 to 65535, not "eighty"\./);
    expect(() => loadConfig({ PORT: "70000" })).toThrow(/ {2}PORT must be a whole number from 0 to 65535, not "70000"\./);
    expect(() => loadConfig({ GONOGO_QUORUM: "two" })).toThrow(/ {2}GONOGO_QUORUM must be a whole number from 1 to 100, not "two"\./);
    expect(() => loadConfig({ GONOGO_QUORUM: "600" })).toThrow(/ {2}GONOGO_QUORUM must be a whole number from 1 to 100, not "600"\./);
    expect(() => loadConfig({ DEPLOY_WEBHOOK_URL: "https://ci.example.com/x" })).toThrow(/ {2}WEBHOOK_SECRET is required when a webhook URL is set/);
    expect(() => loadConfig({ GONOGO_RETRO_DELAY: "tomorrow" })).toThrow(/ {2}GONOGO_RETRO_DELAY must be a duration from 0s to 365d such as 90m, 1h30m, 1h 30m, 2d or 1d2h/);
    expect(() => loadConfig({ DISCORD_TOKEN: "x" })).toThrow(/ {2}DISCORD_APPLICATION_ID is required with DISCORD_TOKEN/);
  });
});

describe(".env.example copied unchanged to .env", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("gives a quiet terminal session: the chat only, no JSON log lines, no HTTP port", async () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-env-example-"));
    copyFileSync(new URL("../../.env.example", import.meta.url), join(dir, ".env"));
    const { code, stdout, stderr } = await run(dir, "/release create api 1.0.0\n/release list\n/quit\n");
    expect(code).toBe(0);
    expect(stdout).toContain("Created R-1: api 1.0.0");
    expect(stdout + stderr).not.toMatch(/"level":|"msg":/);
    expect(stderr).toBe("");
    // The database went where .env says, beside it.
    expect(existsSync(join(dir, "data", "gonogo.db"))).toBe(true);
  }, 20_000);

  it("opens no port: it starts even while port 3000 is taken", async () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-env-example-"));
    copyFileSync(new URL("../../.env.example", import.meta.url), join(dir, ".env"));
    // PORT 3000 is taken; with PORT=3000 in .env this session would refuse to start.
    const blocker = createServer();
    await new Promise<void>((ok, fail) => blocker.once("error", fail).listen(3000, "0.0.0.0", ok)).catch(() => undefined);
    try {
      const { code, stderr } = await run(dir, "/quit\n");
      expect(stderr).toBe("");
      expect(code).toBe(0);
    } finally {
      blocker.close();
    }
  }, 20_000);

  it("tells the same backup command as the README", () => {
    expect(readme).toContain("npm run db:backup");
    expect(example).toMatch(/^#.*npm run db:backup/m);
    expect(example).not.toMatch(/sqlite3 .*\.backup/);
  });
});

/** Runs the built program in `cwd` with nothing but PATH and HOME from the environment, so only .env configures it. */
function run(cwd: string, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "dist/main.js")], { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";

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
  it("name the variable and what is expected, without echoing secrets", () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxp-user-token-secret" })).toThrow(/SLACK_BOT_TOKEN: expected a bot token starting with xoxb-/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxp-user-token-secret" })).not.toThrow(/xoxp-user-token-secret/);
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT: expected a port number/);
    expect(() => loadConfig({ PORT: "70000" })).toThrow(/PORT: expected a port number \(at most 65535\)/);
    expect(() => loadConfig({ GONOGO_QUORUM: "two" })).toThrow(/GONOGO_QUORUM: expected a whole number of GO votes/);
    expect(() => loadConfig({ GONOGO_QUORUM: "600" })).toThrow(/GONOGO_QUORUM: expected at most 100 GO votes/);
    expect(() => loadConfig({ DEPLOY_WEBHOOK_URL: "https://ci.example.com/x" })).toThrow(/WEBHOOK_SECRET: required when a webhook URL is set/);
    expect(() => loadConfig({ GONOGO_RETRO_DELAY: "tomorrow" })).toThrow(/GONOGO_RETRO_DELAY: expected a duration such as 30s, 15m, 24h or 7d/);
    expect(() => loadConfig({ DISCORD_TOKEN: "x" })).toThrow(/DISCORD_APPLICATION_ID: required with DISCORD_TOKEN/);
  });
});

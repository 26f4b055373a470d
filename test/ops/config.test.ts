import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { adminText } from "../../src/domain/identity.js";

/** The lines of the refusal loadConfig throws for `env` (without the header and footer). */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message
      .split("\n")
      .filter((l) => l.startsWith("  "))
      .map((l) => l.trim());
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}
const problem = (env: Record<string, string>) => {
  const found = problems(env);
  expect(found).toHaveLength(1);
  return found[0]!;
};

const EVERY_VARIABLE = [
  "DATABASE_PATH", "DATABASE_URL", "PORT", "HOST", "LOG_LEVEL", "GONOGO_ADMINS", "GONOGO_TIMEZONE", "GONOGO_QUORUM", "GONOGO_REQUIRE", "GONOGO_RETRO_DELAY",
  "GONOGO_RETRO_WINDOW", "GONOGO_LOCK_REMINDER", "DEPLOY_WEBHOOK_URL", "ROLLBACK_WEBHOOK_URL", "WEBHOOK_SECRET", "GONOGO_API_TOKEN", "GONOGO_USER", "GONOGO_TERMINAL",
  "GONOGO_PUBLIC_URL", "GONOGO_WEB_SECRET", "GONOGO_WEB_TOKEN", "GONOGO_WEB_LINK_TTL",
  "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "DISCORD_TOKEN", "DISCORD_APPLICATION_ID", "DISCORD_GUILD_ID", "DISCORD_API_URL",
  "DISCORD_PUBLIC_KEY",
];

describe("a blank variable means unset", () => {
  it.each(["", " ", "\t", "   "])("gives every variable its default when each is %j", (blank) => {
    const env = Object.fromEntries(EVERY_VARIABLE.map((name) => [name, blank]));
    expect(loadConfig(env)).toEqual(loadConfig({}));
  });

  it("never turns a blank quorum into 0: the default of 2 GO votes applies", () => {
    expect(loadConfig({ GONOGO_QUORUM: "" }).quorum).toBe(2);
    expect(loadConfig({ GONOGO_QUORUM: "  " }).quorum).toBe(2);
  });

  it("keeps the defaults for the server and the terminal", () => {
    const c = loadConfig({ PORT: "", HOST: "", LOG_LEVEL: "", DATABASE_PATH: "", GONOGO_TERMINAL: "" });
    expect([c.port, c.host, c.logLevel, c.databasePath, c.terminal]).toEqual([3000, "0.0.0.0", "info", "./data/gonogo.db", "auto"]);
  });
});

describe("numbers in the environment", () => {
  it("reads plain digits", () => {
    expect(loadConfig({ GONOGO_QUORUM: "3", PORT: "8080" })).toMatchObject({ quorum: 3, port: 8080 });
    expect(loadConfig({ PORT: "0" }).port).toBe(0);
  });

  it.each(["0x10", "1e3", "2.0", "1.5", "-1", "+2", " 2", "2 ", "two", "101", "99999999999999999999", "１"])("refuses GONOGO_QUORUM=%j and states the range", (value) => {
    expect(problem({ GONOGO_QUORUM: value })).toBe(`GONOGO_QUORUM must be a whole number from 1 to 100, not ${JSON.stringify(value)}.`);
  });

  it.each(["0", "00"])("refuses a quorum of %j: nobody voting is not a decision, and says the bot can be turned off instead", (value) => {
    const line = problem({ GONOGO_QUORUM: value });
    expect(line).toMatch(/^GONOGO_QUORUM must be a whole number from 1 to 100, not "0+"\./);
    expect(line).toContain("a channel that wants no vote can turn the bot off");
  });

  it.each(["eighty", "0x50", "8e3", "65536", "-1"])("refuses PORT=%j and states the range", (value) => {
    expect(problem({ PORT: value })).toBe(`PORT must be a whole number from 0 to 65535, not ${JSON.stringify(value)}.`);
  });

  it.each(["tomorrow", "0x10m", "366d", "99999999999999999999d"])("refuses the duration GONOGO_RETRO_DELAY=%j and shows the forms", (value) => {
    expect(problem({ GONOGO_RETRO_DELAY: value })).toBe(`GONOGO_RETRO_DELAY must be a duration from 0s to 365d such as 90m, 1h30m, 1h 30m, 2d or 1d2h, not ${JSON.stringify(value)}.`);
  });

  it.each([
    ["1.5h", "whole numbers only (`1h30m`, not `1.5h`)"],
    ["1h30", "`30` has no unit: add one, e.g. `30m`"],
  ])("refuses the duration GONOGO_RETRO_DELAY=%j saying what is wrong with it", (value, why) => {
    expect(problem({ GONOGO_RETRO_DELAY: value })).toBe(`GONOGO_RETRO_DELAY must be a duration from 0s to 365d such as 90m, 1h30m, 1h 30m, 2d or 1d2h, not ${JSON.stringify(value)} (${why}).`);
  });

  it.each([
    ["90d", ""],
    ["30s", ""],
    ["400d", ""],
    ["12", " (`12` has no unit: add one, e.g. `12m`)"],
    ["twelve hours", ""],
  ])("refuses GONOGO_WEB_LINK_TTL=%j with its own range and the forms a duration takes", (value, why) => {
    const web = { GONOGO_PUBLIC_URL: "https://g.example.com", GONOGO_WEB_SECRET: "w".repeat(40) };
    expect(problem({ ...web, GONOGO_WEB_LINK_TTL: value })).toBe(`GONOGO_WEB_LINK_TTL must be a duration from 1m to 30d such as 90m, 1h30m, 1h 30m, 2d or 1d2h, not ${JSON.stringify(value)}${why}.`);
  });

  it("reads every duration setting the way chat reads durations: 1h30m, 1h 30m, 1d12h, 24 h", () => {
    expect(loadConfig({ GONOGO_RETRO_DELAY: "1d12h" }).retroDelayMs).toBe(36 * 3_600_000);
    expect(loadConfig({ GONOGO_RETRO_WINDOW: "24 h" }).retroWindowMs).toBe(24 * 3_600_000);
    expect(loadConfig({ GONOGO_LOCK_REMINDER: "1h30m" }).lockReminder).toBe(90);
    expect(loadConfig({ GONOGO_PUBLIC_URL: "https://g.example.com", GONOGO_WEB_SECRET: "w".repeat(40), GONOGO_WEB_LINK_TTL: "1h 30m" }).web?.linkTtlMs).toBe(90 * 60_000);
  });
});

describe("admins", () => {
  it("accepts every id form admins are matched by, and spells each back as written", () => {
    const admins = ["terminal:alice", "slack:T0123:U0456", "U0456", "W0789", "discord:1187331275440648213:1187400000000000000", "1187400000000000000"];
    expect(loadConfig({ GONOGO_ADMINS: admins.join(", ") }).admins.map(adminText)).toEqual(admins);
  });

  it("reads a bare Slack or Discord user id as that person in any workspace or server", () => {
    expect(loadConfig({ GONOGO_ADMINS: "U0456,1187400000000000000,slack:T0123:U0457" }).admins).toEqual([
      { kind: "person", platform: "slack", scope: null, user: "U0456" },
      { kind: "person", platform: "discord", scope: null, user: "1187400000000000000" },
      { kind: "person", platform: "slack", scope: "T0123", user: "U0457" },
    ]);
  });

  it.each(["a,,b", "terminal:alice,", ",terminal:alice"])("refuses an empty entry in %j instead of skipping it", (value) => {
    expect(problem({ GONOGO_ADMINS: value })).toMatch(/^GONOGO_ADMINS has an empty entry \(entry \d of .+\): remove the extra comma\.$/);
  });

  it.each(["alice", "slack:T1", "discord:guild:user", "terminal:", "@alice", "Terminal:alice"])("refuses %j and lists the forms that work", (entry) => {
    const line = problem({ GONOGO_ADMINS: `terminal:ok,${entry}` });
    expect(line).toContain(`GONOGO_ADMINS entry ${JSON.stringify(entry)} is not an admin id`);
    for (const form of ["terminal:<name>", "slack:<team id>:<user id>", "discord:<server id>:<user id>", "Slack user id", "Discord user id"]) expect(line).toContain(form);
  });
});

describe("URLs", () => {
  it.each(["DEPLOY_WEBHOOK_URL", "ROLLBACK_WEBHOOK_URL"])("%s that is not http(s) is refused naming only its scheme and host: its path or query may carry a token", (name) => {
    for (const [bad, named] of [["ftp://ci.example.com/hook?token=s3cr3t-tok", "ftp://ci.example.com/…"], ["htps://ci.example.com/hooks/s3cr3t-tok", "htps://ci.example.com/…"], ["ci.example.com/hooks/s3cr3t-tok", "a value that is not a URL"]] as const) {
      const found = problems({ [name]: bad, WEBHOOK_SECRET: "a-long-enough-secret" });
      const line = found.find((l) => l.startsWith(`${name} must be an http:// or https:// URL such as https://`));
      expect(line).toContain(`not ${named}`);
      expect(found.join("\n")).not.toContain("s3cr3t-tok");
    }
  });

  it.each(["SLACK_API_URL", "DISCORD_API_URL"])("%s must be http(s)", (name) => {
    for (const bad of ["ftp://ci.example.com/x", "file:///etc/passwd", "javascript:alert(1)", "ci.example.com/hook"]) {
      const found = problems({ [name]: bad, WEBHOOK_SECRET: "a-long-enough-secret" });
      expect(found.some((l) => l.startsWith(`${name} must be an http:// or https:// URL such as https://`) && l.endsWith(`not ${JSON.stringify(bad)}.`))).toBe(true);
    }
    expect(() => loadConfig({ [name]: "http://127.0.0.1:4000/api/", WEBHOOK_SECRET: "a-long-enough-secret" })).not.toThrow();
  });

  it.each(["DEPLOY_WEBHOOK_URL", "ROLLBACK_WEBHOOK_URL"])("%s with a user name and password is refused at start-up, without echoing the password", (name) => {
    // Node's fetch refuses such a URL: every rollback would fail with a bare "TypeError".
    const found = problems({ [name]: "https://jenkins:s3cr3t-pw@ci.example.com/job/rollback", WEBHOOK_SECRET: "a-long-enough-secret" });
    const line = found.find((l) => l.startsWith(name));
    expect(line).toContain("must not carry a user name or password");
    expect(line).toContain("WEBHOOK_SECRET");
    expect(found.join("\n")).not.toContain("s3cr3t-pw");
  });
});

describe("DATABASE_URL", () => {
  it("selects PostgreSQL with a postgres:// or postgresql:// URL, and is unset (SQLite) when blank", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://gonogo:pw@db.example.com:5432/gonogo" }).databaseUrl).toBe("postgres://gonogo:pw@db.example.com:5432/gonogo");
    expect(loadConfig({ DATABASE_URL: "postgresql://db.example.com/gonogo?sslmode=require" }).databaseUrl).toBe("postgresql://db.example.com/gonogo?sslmode=require");
    expect(loadConfig({ DATABASE_URL: " " }).databaseUrl).toBeUndefined();
  });

  it("refuses a password typed with @ # / or a bare %, saying to percent-encode it, without repeating it", () => {
    for (const bad of ["postgres://gonogo:p@ss#w/rd@db.example.com:5432/gonogo", "postgres://gonogo:50%off@db.example.com/gonogo"]) {
      const found = problem({ DATABASE_URL: bad });
      expect(found).toMatch(/percent-encode special characters in the user name and password \(@ as %40, # as %23/);
      expect(found).not.toContain("ss#w");
      expect(found).not.toContain("50%off");
    }
    expect(loadConfig({ DATABASE_URL: "postgres://gonogo:p%40ss%23w%2Frd@db.example.com:5432/gonogo" }).databaseUrl).toContain("p%40ss");
  });

  it("refuses any other URL, saying what it must look like", () => {
    for (const bad of ["mysql://db.example.com/gonogo", "db.example.com:5432/gonogo", "./data/gonogo.db"]) {
      expect(problem({ DATABASE_URL: bad })).toMatch(/^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL such as postgres:\/\/gonogo:<password>@/);
    }
  });
});

describe("GONOGO_LOCK_REMINDER", () => {
  it("reminds of a deploy lock still on every 4 hours unless told otherwise, and `off` turns the reminders off", () => {
    expect(loadConfig({}).lockReminder).toBe(240);
    expect(loadConfig({ GONOGO_LOCK_REMINDER: "90m" }).lockReminder).toBe(90);
    expect(loadConfig({ GONOGO_LOCK_REMINDER: "1d" }).lockReminder).toBe(1440);
    expect(loadConfig({ GONOGO_LOCK_REMINDER: "off" }).lockReminder).toBeNull();
  });

  it.each(["5m", "8d", "often"])("refuses %j, saying what it takes", (value) => {
    expect(problem({ GONOGO_LOCK_REMINDER: value })).toBe(`GONOGO_LOCK_REMINDER must be an interval from 15m to 7d such as 90m, 1h30m, 1h 30m, 2d or 1d2h, or off, not ${JSON.stringify(value)}.`);
  });

  it("says what is wrong with an interval it cannot read", () => {
    expect(problem({ GONOGO_LOCK_REMINDER: "4" })).toBe("GONOGO_LOCK_REMINDER must be an interval from 15m to 7d such as 90m, 1h30m, 1h 30m, 2d or 1d2h, or off, not \"4\" (`4` has no unit: add one, e.g. `4m`).");
  });
});

describe("every configuration error", () => {
  const BAD: Array<Record<string, string>> = [
    { PORT: "eighty" },
    { LOG_LEVEL: "loud" },
    { GONOGO_ADMINS: "a,,b" },
    { GONOGO_ADMINS: "alice" },
    { GONOGO_TIMEZONE: "Mars/Olympus" },
    { GONOGO_QUORUM: "0" },
    { GONOGO_REQUIRE: "Q&A" },
    { GONOGO_REQUIRE: "qa,,security" },
    { GONOGO_RETRO_WINDOW: "forever" },
    { GONOGO_LOCK_REMINDER: "5m" },
    { DEPLOY_WEBHOOK_URL: "ftp://x" },
    { DEPLOY_WEBHOOK_URL: "https://ci.example.com/x" },
    { GONOGO_API_TOKEN: "short" },
    { GONOGO_USER: "bob smith" },
    { GONOGO_TERMINAL: "maybe" },
    { SLACK_BOT_TOKEN: "xoxp-user-token-secret" },
    { SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "app-token-secret" },
    { SLACK_SIGNING_SECRET: "s" },
    { SLACK_BOT_TOKEN: "xoxb-1" },
    { DISCORD_TOKEN: "x" },
    { DISCORD_APPLICATION_ID: "abc" },
    { DISCORD_GUILD_ID: "my server", DISCORD_TOKEN: "x", DISCORD_APPLICATION_ID: "123456" },
    { DISCORD_PUBLIC_KEY: "not-a-key", DISCORD_TOKEN: "x", DISCORD_APPLICATION_ID: "123456" },
    { DISCORD_PUBLIC_KEY: "ab".repeat(32) },
    { DATABASE_URL: "mysql://gonogo:hunter2@db.example.com/gonogo" },
    { GONOGO_PUBLIC_URL: "https://gonogo.example.com" },
    { GONOGO_PUBLIC_URL: "gonogo.example.com", GONOGO_WEB_SECRET: "w".repeat(40) },
    { GONOGO_WEB_SECRET: "w".repeat(40) },
    { GONOGO_PUBLIC_URL: "https://gonogo.example.com", GONOGO_WEB_SECRET: "short-web-secret" },
    { GONOGO_PUBLIC_URL: "https://gonogo.example.com", GONOGO_WEB_SECRET: "w".repeat(40), GONOGO_WEB_TOKEN: "short" },
    { GONOGO_PUBLIC_URL: "https://gonogo.example.com", GONOGO_WEB_SECRET: "w".repeat(40), GONOGO_WEB_LINK_TTL: "90d" },
  ];

  it.each(BAD)("names its variable once, as the first word, and ends as a sentence: %j", (env) => {
    const line = problem(env);
    const name = /^[A-Z][A-Z0-9_]+/.exec(line)?.[0];
    expect(name, line).toBeDefined();
    expect(line.split(name!).length - 1, line).toBe(1);
    expect(line.startsWith(`${name}: `), line).toBe(false);
    expect(line, line).toMatch(/[.]$/);
  });

  it("never repeats a secret it refuses", () => {
    const refused: Array<Record<string, string>> = [{ SLACK_BOT_TOKEN: "xoxp-user-token-secret" }, { SLACK_APP_TOKEN: "app-token-secret", SLACK_BOT_TOKEN: "xoxb-1" }, { GONOGO_API_TOKEN: "short-secret" }, { DATABASE_URL: "mysql://gonogo:hunter2@db.example.com/gonogo" }, { GONOGO_PUBLIC_URL: "https://gonogo.example.com", GONOGO_WEB_SECRET: "short-web-secret" }, { GONOGO_PUBLIC_URL: "https://gonogo.example.com", GONOGO_WEB_SECRET: "w".repeat(40), GONOGO_WEB_TOKEN: "short-tok" }];
    for (const env of refused) {
      const line = problem(env);
      for (const value of Object.values(env)) expect(line).not.toContain(value);
    }
  });

  it("puts every problem on its own line under one header that says where to fix them", () => {
    expect(() => loadConfig({ PORT: "x", GONOGO_QUORUM: "0x10" })).toThrow(
      /^gonogo cannot start, the configuration is wrong:\n {2}PORT must .*\n {2}GONOGO_QUORUM must .*\nFix these in your environment or \.env file \(see \.env\.example\)\.$/,
    );
  });
});

describe("the web view's settings", () => {
  it("are off unless GONOGO_PUBLIC_URL is set, and read with a 12h link lifetime by default", () => {
    expect(loadConfig({}).web).toBeUndefined();
    expect(loadConfig({ GONOGO_PUBLIC_URL: "https://gonogo.example.com/", GONOGO_WEB_SECRET: "w".repeat(40) }).web).toEqual({
      publicUrl: "https://gonogo.example.com",
      secret: "w".repeat(40),
      token: undefined,
      linkTtlMs: 12 * 3_600_000,
    });
    expect(loadConfig({ GONOGO_PUBLIC_URL: "https://g.example.com", GONOGO_WEB_SECRET: "w".repeat(40), GONOGO_WEB_LINK_TTL: "30m" }).web?.linkTtlMs).toBe(30 * 60_000);
  });
});

describe("DISCORD_PUBLIC_KEY (the interactions endpoint)", () => {
  const discord = { DISCORD_TOKEN: "x", DISCORD_APPLICATION_ID: "123456" };
  const key = "9A".repeat(32);

  it("turns on HTTP mode with the key as lower-case hex", () => {
    expect(loadConfig({ ...discord, DISCORD_PUBLIC_KEY: key }).discord?.publicKey).toBe(key.toLowerCase());
    expect(loadConfig(discord).discord?.publicKey).toBeUndefined();
  });

  it.each(["9a".repeat(31), "9a".repeat(33), "g".repeat(64), "base64+key/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="])("refuses %j and says it wants 64 hex characters from the portal", (value) => {
    expect(problem({ ...discord, DISCORD_PUBLIC_KEY: value })).toBe(
      `DISCORD_PUBLIC_KEY must be the application's public key: 64 hex characters from the Developer Portal (General Information → Public Key), not ${JSON.stringify(value)}.`,
    );
  });

  it("needs the bot token beside it", () => {
    expect(problem({ DISCORD_PUBLIC_KEY: key })).toBe("DISCORD_TOKEN is required with DISCORD_PUBLIC_KEY: gonogo sends cards with the bot token (Bot → Reset Token).");
  });
});

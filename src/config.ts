import { z } from "zod";
import { isValidTimeZone } from "./domain/policy.js";
import { webhookSecretProblem } from "./app/webhook-signature.js";

const csv = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(",").map((s) => s.trim()).filter(Boolean) : []));
const optionalUrl = (what: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined))
    .pipe(z.url({ message: `${what} must be a full URL such as https://ci.example.com/hooks/gonogo` }).optional());
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const m = /^(\d+)\s*(ms|s|m|h|d)$/.exec(v.trim());
      if (!m) {
        ctx.addIssue({ code: "custom", message: "expected a duration such as 30s, 15m, 24h or 7d" });
        return z.NEVER;
      }
      const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "ms" | "s" | "m" | "h" | "d"];
      return Number(m[1]) * unit;
    });

/** Every environment variable gonogo reads. `.env.example` documents each one. */
const schema = z.object({
  DATABASE_PATH: z.string().min(1).default("./data/gonogo.db"),
  PORT: z.coerce.number({ message: "expected a port number such as 3000" }).int("expected a port number such as 3000").min(0, "expected a port number such as 3000").max(65535, "expected a port number (at most 65535)").default(3000),
  HOST: z.string().default("0.0.0.0"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"], { message: "expected debug, info, warn, error or silent" }).default("info"),
  GONOGO_ADMINS: csv,
  GONOGO_TIMEZONE: z.string().default("UTC").refine(isValidTimeZone, "expected an IANA time zone such as Europe/Berlin"),
  // Each check says its own limit: zod reports the schema-wide message for every check otherwise ("600" was "not a whole number").
  GONOGO_QUORUM: z.coerce.number({ message: "expected a whole number of GO votes, e.g. 2" }).int("expected a whole number of GO votes, e.g. 2").min(0, "expected 0 or more GO votes").max(100, "expected at most 100 GO votes (the same limit as /release policy)").default(2),
  GONOGO_REQUIRE: csv,
  GONOGO_RETRO_DELAY: duration("24h"),
  GONOGO_RETRO_WINDOW: duration("7d"),
  DEPLOY_WEBHOOK_URL: optionalUrl("DEPLOY_WEBHOOK_URL"),
  ROLLBACK_WEBHOOK_URL: optionalUrl("ROLLBACK_WEBHOOK_URL"),
  // `whsec_<base64>` (Standard Webhooks: the decoded bytes are the key) or, as before it, any string (its UTF-8 bytes).
  WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v : undefined))
    .superRefine((v, ctx) => {
      const problem = v === undefined ? null : webhookSecretProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  GONOGO_API_TOKEN: z.string().optional().transform((v) => v || undefined).pipe(z.string().min(16, "expected at least 16 characters (a long random string)").optional()),
  GONOGO_USER: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, "expected a short name (letters, digits, dots, dashes)").optional().or(z.literal("").transform(() => undefined)),
  GONOGO_TERMINAL: z.enum(["auto", "on", "off"], { message: "expected auto, on or off" }).default("auto"),
  SLACK_BOT_TOKEN: z.string().optional().transform((v) => v || undefined).pipe(z.string().startsWith("xoxb-", "expected a bot token starting with xoxb-").optional()),
  SLACK_SIGNING_SECRET: z.string().optional().transform((v) => v || undefined),
  SLACK_APP_TOKEN: z.string().optional().transform((v) => v || undefined).pipe(z.string().startsWith("xapp-", "expected an app-level token starting with xapp-").optional()),
  SLACK_API_URL: optionalUrl("SLACK_API_URL"),
  DISCORD_TOKEN: z.string().optional().transform((v) => v || undefined),
  DISCORD_APPLICATION_ID: z.string().optional().transform((v) => v || undefined).pipe(z.string().regex(/^\d{5,20}$/, "expected the numeric application id from the Developer Portal").optional()),
  DISCORD_GUILD_ID: z.string().optional().transform((v) => v || undefined).pipe(z.string().regex(/^\d{5,20}$/, "expected a numeric server (guild) id").optional()),
  DISCORD_API_URL: optionalUrl("DISCORD_API_URL"),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  databasePath: string;
  port: number;
  host: string;
  logLevel: Env["LOG_LEVEL"];
  admins: string[];
  timezone: string;
  quorum: number;
  require: string[];
  retroDelayMs: number;
  retroWindowMs: number;
  deployWebhookUrl: string | undefined;
  rollbackWebhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** Bearer token for GET /api/stats; the API is off without it. */
  apiToken: string | undefined;
  terminal: "auto" | "on" | "off";
  /** Who types in the terminal until `/as` switches. */
  terminalUser: string | undefined;
  slack: { botToken: string; signingSecret: string | undefined; appToken: string | undefined; apiUrl: string | undefined } | undefined;
  discord: { token: string; applicationId: string; guildId: string | undefined; apiUrl: string | undefined } | undefined;
}

/** Raised when the environment is wrong; main prints it and exits 1. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Reads and checks the environment once. Every problem names the variable and what it expects. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message} (got ${JSON.stringify(redactIfSecret(String(i.path[0]), env[String(i.path[0])]))})`);
    throw new ConfigError(`gonogo cannot start, the configuration is wrong:\n${lines.join("\n")}\nFix these in your environment or .env file (see .env.example).`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    problems.push("  SLACK_SIGNING_SECRET: required in HTTP mode (set it, or set SLACK_APP_TOKEN for Socket Mode)");
  }
  if ((e.SLACK_APP_TOKEN || e.SLACK_SIGNING_SECRET) && !e.SLACK_BOT_TOKEN) {
    problems.push("  SLACK_BOT_TOKEN: required when other SLACK_* variables are set (the xoxb- token from OAuth & Permissions)");
  }
  if (e.DISCORD_TOKEN && !e.DISCORD_APPLICATION_ID) problems.push("  DISCORD_APPLICATION_ID: required with DISCORD_TOKEN (General Information → Application ID)");
  if (e.DISCORD_APPLICATION_ID && !e.DISCORD_TOKEN) problems.push("  DISCORD_TOKEN: required with DISCORD_APPLICATION_ID (Bot → Reset Token)");
  if ((e.DEPLOY_WEBHOOK_URL || e.ROLLBACK_WEBHOOK_URL) && !e.WEBHOOK_SECRET) {
    problems.push("  WEBHOOK_SECRET: required when a webhook URL is set, so receivers can verify gonogo signed the call (use a long random string)");
  }
  for (const role of e.GONOGO_REQUIRE) {
    if (!/^[a-z][a-z0-9_-]{0,31}$/.test(role)) problems.push(`  GONOGO_REQUIRE: "${role}" is not a role name (lower-case words such as qa,security)`);
  }
  if (problems.length) throw new ConfigError(`gonogo cannot start, the configuration is wrong:\n${problems.join("\n")}\nSee .env.example.`);

  return {
    databasePath: e.DATABASE_PATH,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    admins: e.GONOGO_ADMINS,
    timezone: e.GONOGO_TIMEZONE,
    quorum: e.GONOGO_QUORUM,
    require: e.GONOGO_REQUIRE,
    retroDelayMs: e.GONOGO_RETRO_DELAY,
    retroWindowMs: e.GONOGO_RETRO_WINDOW,
    deployWebhookUrl: e.DEPLOY_WEBHOOK_URL,
    rollbackWebhookUrl: e.ROLLBACK_WEBHOOK_URL,
    webhookSecret: e.WEBHOOK_SECRET,
    apiToken: e.GONOGO_API_TOKEN,
    terminal: e.GONOGO_TERMINAL,
    terminalUser: e.GONOGO_USER,
    slack: e.SLACK_BOT_TOKEN
      ? { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL }
      : undefined,
    discord:
      e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID
        ? { token: e.DISCORD_TOKEN, applicationId: e.DISCORD_APPLICATION_ID, guildId: e.DISCORD_GUILD_ID, apiUrl: e.DISCORD_API_URL }
        : undefined,
  };
}

const SECRET_NAMES = /TOKEN|SECRET/;
function redactIfSecret(name: string, value: string | undefined): string | undefined {
  return value && SECRET_NAMES.test(name) ? "[redacted]" : value;
}

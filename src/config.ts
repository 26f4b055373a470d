import type { Person } from "./domain/identity.js";
import { isValidTimeZone } from "./domain/policy.js";
import { DEFAULT_LOCK_REMINDER_MIN, LOCK_REMINDER_HINT, readLockReminderWhy } from "./domain/lock-reminder.js";
import { WHOLE_NUMBER_RANGES } from "./domain/whole-number.js";
import { webhookSecretProblem } from "./app/webhook-signature.js";
import {
  admins, duration, durationIn, httpUrl, list, matching, oneOf, optional, postgresUrl, quorum, type Reader, Refusal, refuse, roleName, secretStartingWith, shown, text, UNIT_MS, webhookUrl, wholeNumber, withDefault,
} from "./config-readers.js";

/** Every environment variable gonogo reads. `.env.example` documents each one. */
const VARIABLES = {
  DATABASE_PATH: withDefault("./data/gonogo.db", text),
  DATABASE_URL: optional(postgresUrl),
  // A direct (session-mode) connection for LISTEN when DATABASE_URL goes through a transaction-mode pooler; `off` polls instead.
  DATABASE_LISTEN_URL: optional((v) =>
    v === "off" || (URL.canParse(v) && ["postgres:", "postgresql:"].includes(new URL(v).protocol))
      ? v
      : refuse("must be a postgres:// URL of a direct (session-mode) connection to the same database as DATABASE_URL, or off to poll instead of LISTEN."),
  ),
  GONOGO_INSTANCE_ID: optional(matching(/^[A-Za-z0-9._:-]{1,64}$/, "a short name for this instance (up to 64 letters, digits, dots, colons, dashes or underscores)")),
  GONOGO_SHUTDOWN_DRAIN: withDefault(0, duration),
  PORT: withDefault(3000, wholeNumber(WHOLE_NUMBER_RANGES.port)),
  HOST: withDefault("0.0.0.0", text),
  LOG_LEVEL: withDefault("info", oneOf(["debug", "info", "warn", "error", "silent"])),
  GONOGO_ADMINS: withDefault([], admins),
  GONOGO_TIMEZONE: withDefault("UTC", (v) => (isValidTimeZone(v) ? v : refuse(`must be an IANA time zone such as Europe/Berlin, not ${shown(v)}.`))),
  GONOGO_QUORUM: withDefault(2, quorum),
  GONOGO_REQUIRE: withDefault([], list(roleName)),
  GONOGO_RETRO_DELAY: withDefault(24 * UNIT_MS.h, duration),
  GONOGO_RETRO_WINDOW: withDefault(7 * UNIT_MS.d, duration),
  GONOGO_LOCK_REMINDER: withDefault<number | null>(DEFAULT_LOCK_REMINDER_MIN, (v) => {
    const read = readLockReminderWhy(v);
    return read.ok ? read.minutes : refuse(`must be ${LOCK_REMINDER_HINT}, not ${shown(v)}${read.problem ? ` (${read.problem})` : ""}.`);
  }),
  DEPLOY_WEBHOOK_URL: optional(webhookUrl("https://ci.example.com/hooks/gonogo")),
  ROLLBACK_WEBHOOK_URL: optional(webhookUrl("https://ci.example.com/hooks/gonogo-rollback")),
  // `whsec_<base64>` (Standard Webhooks: the decoded bytes are the key) or, as before it, any string (its UTF-8 bytes).
  WEBHOOK_SECRET: optional((value) => {
    const problem = webhookSecretProblem(value);
    return problem ? refuse(`must be ${problem.replace(/^expected /, "")}.`) : value;
  }),
  GONOGO_API_TOKEN: optional((v) => (v.length >= 16 ? v : refuse(`must be at least 16 characters (a long random string); it has ${v.length}.`))),
  GONOGO_METRICS_TOKEN: optional((v) => (v.length >= 16 ? v : refuse(`must be at least 16 characters (a long random string); it has ${v.length}.`))),
  GONOGO_PUBLIC_URL: optional(httpUrl("https://gonogo.example.com")),
  GONOGO_WEB_SECRET: optional((v) => (v.length >= 32 ? v : refuse(`must be at least 32 characters (a long random string); it has ${v.length}.`))),
  GONOGO_WEB_TOKEN: optional((v) => (v.length >= 16 ? v : refuse(`must be at least 16 characters (a long random string); it has ${v.length}.`))),
  GONOGO_WEB_LINK_TTL: withDefault(12 * UNIT_MS.h, durationIn({ min: UNIT_MS.m, max: 30 * UNIT_MS.d, minText: "1m", maxText: "30d" })),
  GONOGO_USER: optional(matching(/^[A-Za-z0-9._-]{1,32}$/, "a short name (up to 32 letters, digits, dots, dashes or underscores)")),
  GONOGO_TERMINAL: withDefault("auto", oneOf(["auto", "on", "off"])),
  SLACK_BOT_TOKEN: optional(secretStartingWith("xoxb-", "the bot token (OAuth & Permissions)")),
  SLACK_SIGNING_SECRET: optional(text),
  SLACK_APP_TOKEN: optional(secretStartingWith("xapp-", "the app-level token (Basic Information → App-Level Tokens)")),
  SLACK_API_URL: optional(httpUrl("https://slack.com/api/")),
  DISCORD_TOKEN: optional(text),
  DISCORD_APPLICATION_ID: optional(matching(/^[0-9]{5,20}$/, "the numeric application id from the Developer Portal (General Information)")),
  DISCORD_GUILD_ID: optional(matching(/^[0-9]{5,20}$/, "a numeric server (guild) id")),
  DISCORD_API_URL: optional(httpUrl("https://discord.com/api")),
  // Ed25519, 32 bytes as hex; it is public, so a wrong value may be shown in the message.
  DISCORD_PUBLIC_KEY: optional(matching(/^[0-9a-fA-F]{64}$/, "the application's public key: 64 hex characters from the Developer Portal (General Information → Public Key)")),
};

export type Env = { [K in keyof typeof VARIABLES]: ReturnType<(typeof VARIABLES)[K]> };

export interface Config {
  databasePath: string;
  /** PostgreSQL instead of the SQLite file at databasePath (several instances may share it). */
  databaseUrl: string | undefined;
  /** Where LISTEN connects (PostgreSQL): DATABASE_LISTEN_URL, else DATABASE_URL; null when `off` (polling only). */
  listenUrl: string | null;
  /** Names this instance in metrics, logs and card leases: GONOGO_INSTANCE_ID, else host name and process id. */
  instanceId: string | undefined;
  /** After SIGTERM, how long /readyz answers 503 while everything else is still served, so a balancer stops sending first. */
  shutdownDrainMs: number;
  port: number;
  host: string;
  logLevel: Env["LOG_LEVEL"];
  /** From GONOGO_ADMINS; `adminText` spells one as it was written. */
  admins: Person[];
  timezone: string;
  quorum: number;
  require: string[];
  retroDelayMs: number;
  retroWindowMs: number;
  /** Minutes between reminders of a deploy lock still on, where a channel's policy does not say (`lock_reminder`); null: off. */
  lockReminder: number | null;
  deployWebhookUrl: string | undefined;
  rollbackWebhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** Bearer token for GET /api/stats; the API is off without it. */
  apiToken: string | undefined;
  /** Bearer token GET /metrics asks for when set (its port may face the internet: Slack's HTTP mode, the web view); open without it. */
  metricsToken: string | undefined;
  /**
   * The read-only web view (src/web), on when GONOGO_PUBLIC_URL is set: `/release web` signs
   * links with `secret` that last `linkTtlMs`; `token` is the operators' bearer token.
   */
  web?: WebConfig;
  terminal: "auto" | "on" | "off";
  /** Who types in the terminal until `/as` switches. */
  terminalUser: string | undefined;
  slack: { botToken: string; signingSecret: string | undefined; appToken: string | undefined; apiUrl: string | undefined } | undefined;
  discord:
    | {
        token: string;
        applicationId: string;
        guildId: string | undefined;
        apiUrl: string | undefined;
        /** Set: interactions come to `POST /discord/interactions` (HTTP mode, no gateway); unset: over the gateway. */
        publicKey?: string | undefined;
      }
    | undefined;
}

/** The web view's settings (GONOGO_PUBLIC_URL, GONOGO_WEB_SECRET, GONOGO_WEB_TOKEN, GONOGO_WEB_LINK_TTL). */
export interface WebConfig {
  /** The base URL people open, without a trailing slash. */
  publicUrl: string;
  secret: string;
  token: string | undefined;
  linkTtlMs: number;
}

/** Raised when the environment is wrong; main prints it and exits 1. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Whether a variable has a value: unset and blank both mean "use the default". */
export function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "";
}

/** Reads and checks the environment once. Every problem names the variable and what it expects. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const e = {} as Record<string, unknown>;
  for (const [name, read] of Object.entries(VARIABLES) as Array<[string, Reader<unknown>]>) {
    const value = env[name];
    try {
      e[name] = read(isSet(value) ? value : undefined);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      problems.push(`${name} ${err.message}`);
    }
  }
  if (problems.length) throw configError(problems);
  return fromEnv(e as Env);
}

function fromEnv(e: Env): Config {
  const problems: string[] = [];
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    problems.push("SLACK_SIGNING_SECRET is required in HTTP mode: set it, or set SLACK_APP_TOKEN for Socket Mode.");
  }
  if ((e.SLACK_APP_TOKEN || e.SLACK_SIGNING_SECRET) && !e.SLACK_BOT_TOKEN) {
    problems.push("SLACK_BOT_TOKEN is required when other SLACK_* variables are set: use the xoxb- token from OAuth & Permissions.");
  }
  if (e.DISCORD_TOKEN && !e.DISCORD_APPLICATION_ID) problems.push("DISCORD_APPLICATION_ID is required with DISCORD_TOKEN: copy it from General Information → Application ID.");
  if (e.DISCORD_APPLICATION_ID && !e.DISCORD_TOKEN) problems.push("DISCORD_TOKEN is required with DISCORD_APPLICATION_ID: copy it from Bot → Reset Token.");
  if (e.DISCORD_PUBLIC_KEY && !e.DISCORD_TOKEN) problems.push("DISCORD_TOKEN is required with DISCORD_PUBLIC_KEY: gonogo sends cards with the bot token (Bot → Reset Token).");
  if ((e.DEPLOY_WEBHOOK_URL || e.ROLLBACK_WEBHOOK_URL) && !e.WEBHOOK_SECRET) {
    problems.push("WEBHOOK_SECRET is required when a webhook URL is set, so receivers can check gonogo signed the call: set it to a long random string (`whsec_…`, see the README).");
  }
  if (e.GONOGO_PUBLIC_URL && !e.GONOGO_WEB_SECRET) {
    problems.push("GONOGO_WEB_SECRET is required with GONOGO_PUBLIC_URL, to sign the web view's links: set it to a long random string (32+ characters), e.g. from `openssl rand -hex 32`.");
  }
  if ((e.GONOGO_WEB_SECRET || e.GONOGO_WEB_TOKEN) && !e.GONOGO_PUBLIC_URL) {
    problems.push("GONOGO_PUBLIC_URL is required when GONOGO_WEB_SECRET or GONOGO_WEB_TOKEN is set: the base URL people open, e.g. https://gonogo.example.com.");
  }
  if (problems.length) throw configError(problems);

  return {
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL,
    listenUrl: e.DATABASE_LISTEN_URL === "off" ? null : (e.DATABASE_LISTEN_URL ?? e.DATABASE_URL ?? null),
    instanceId: e.GONOGO_INSTANCE_ID,
    shutdownDrainMs: e.GONOGO_SHUTDOWN_DRAIN,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    admins: e.GONOGO_ADMINS,
    timezone: e.GONOGO_TIMEZONE,
    quorum: e.GONOGO_QUORUM,
    require: e.GONOGO_REQUIRE,
    retroDelayMs: e.GONOGO_RETRO_DELAY,
    retroWindowMs: e.GONOGO_RETRO_WINDOW,
    lockReminder: e.GONOGO_LOCK_REMINDER,
    deployWebhookUrl: e.DEPLOY_WEBHOOK_URL,
    rollbackWebhookUrl: e.ROLLBACK_WEBHOOK_URL,
    webhookSecret: e.WEBHOOK_SECRET,
    apiToken: e.GONOGO_API_TOKEN,
    metricsToken: e.GONOGO_METRICS_TOKEN,
    ...(e.GONOGO_PUBLIC_URL && e.GONOGO_WEB_SECRET
      ? { web: { publicUrl: e.GONOGO_PUBLIC_URL.replace(/\/+$/, ""), secret: e.GONOGO_WEB_SECRET, token: e.GONOGO_WEB_TOKEN, linkTtlMs: e.GONOGO_WEB_LINK_TTL } }
      : {}),
    terminal: e.GONOGO_TERMINAL,
    terminalUser: e.GONOGO_USER,
    slack: e.SLACK_BOT_TOKEN
      ? { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL }
      : undefined,
    discord:
      e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID
        ? { token: e.DISCORD_TOKEN, applicationId: e.DISCORD_APPLICATION_ID, guildId: e.DISCORD_GUILD_ID, apiUrl: e.DISCORD_API_URL, publicKey: e.DISCORD_PUBLIC_KEY?.toLowerCase() }
        : undefined,
  };
}

function configError(problems: string[]): ConfigError {
  return new ConfigError(`gonogo cannot start, the configuration is wrong:\n${problems.map((p) => `  ${p}`).join("\n")}\nFix these in your environment or .env file (see .env.example).`);
}

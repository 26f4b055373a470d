import { z } from "zod";
import type { CriterionSpec } from "./criteria.js";
import { closestWord } from "./closest-word.js";
import { UserError } from "./errors.js";
import { DURATION_FORMS } from "./duration.js";
import { DEFAULT_LOCK_REMINDER_MIN, LOCK_REMINDER_HINT, readLockReminder, readLockReminderWhy } from "./lock-reminder.js";
import { minutesText, readMinutes, readMinutesWhy, type MinutesRead } from "./minutes.js";
import { describeRange, readWholeNumber, WHOLE_NUMBER_RANGES } from "./whole-number.js";

/** What a channel has agreed a GO means, and what happens at T-0. */
export interface Policy {
  /** GO votes needed. */
  quorum: number;
  /** Sign-off roles: a GO from a holder of each is needed. */
  require: string[];
  /** Any no-go blocks the release. */
  veto: boolean;
  /** The release manager's own GO counts. */
  selfApproval: boolean;
  /** What T-0 does when the decision is not GO. */
  t0: "hold" | "cancel";
  /** A no-go must carry a reason. */
  noGoReason: "required" | "optional";
  /** Minutes before T-0 at which reminders go out (0 = the T-0 notice itself). */
  reminders: number[];
  /** IANA time zone used to read and show times in this channel. */
  timezone: string;
  /** Alert severities that roll back a live release without waiting for on-call. */
  autoRollback: AlertSeverity[];
  /**
   * Minutes T-0 may move later before the votes are cleared (people said GO to a release at one
   * time; a week later is another decision), or null: votes stand however far it moves.
   */
  revoteAfter: number | null;
  /** How many different admins or release-managers must ask to ship inside a freeze (2: the four-eyes rule). */
  overrideApprovers: 1 | 2;
  /** Readiness criteria a new release copies, each with who may tick it (`/release criteria set …`). */
  criteria: CriterionSpec[];
  /** Minutes between reminders of a deploy lock set here that is still on; null: none (domain/lock-reminder.ts). */
  lockReminder: number | null;
}

export const ALERT_SEVERITIES = ["info", "warning", "critical"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const DEFAULT_POLICY: Policy = {
  quorum: 2,
  require: [],
  veto: true,
  selfApproval: true,
  t0: "hold",
  noGoReason: "required",
  reminders: [60, 15, 5, 0],
  timezone: "UTC",
  autoRollback: [],
  revoteAfter: null,
  overrideApprovers: 1,
  criteria: [],
  lockReminder: DEFAULT_LOCK_REMINDER_MIN,
};

const ROLE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** Why a quorum of 0 is refused, wherever a quorum is set (the environment or chat). */
const NO_ZERO_QUORUM = "A go/no-go with nobody voting is not a decision: a channel that wants no vote can turn the bot off instead.";

/** The reason to add when someone asks for a quorum of 0 ("0", "00"), else "". */
export function zeroQuorumNote(text: string): string {
  return readWholeNumber(text, { min: 0, max: 0 }) === 0 ? ` ${NO_ZERO_QUORUM}` : "";
}

/** An IANA zone name (Area/Location), or UTC / GMT. */
export function isValidTimeZone(zone: string): boolean {
  // Abbreviations are refused though Intl takes some: EST is a fixed UTC-5 (Panama, no summer
  // time), so a New York team would ship an hour late all summer; PST would be labelled PST in July.
  if (!/^(?:UTC|GMT)$/i.test(zone) && !zone.includes("/")) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const bool = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.enum(["on", "off", "true", "false", "yes", "no"]))
  .transform((v) => v === "on" || v === "true" || v === "yes");

/** Each settable key: how to read it from `key=value` text, and how to show it. */
const KEYS = {
  // The one number reader: `quorum=` must not quietly become 0, nor `0x10` become 16.
  quorum: z
    .string()
    .transform((v) => readWholeNumber(v, WHOLE_NUMBER_RANGES.quorum))
    .pipe(z.number()),
  require: z
    .string()
    .transform((v) => (v === "none" || v === "" ? [] : v.split(",").map((r) => r.trim().toLowerCase())))
    .refine((roles) => roles.every((r) => ROLE_NAME.test(r)), "roles are lower-case words, e.g. qa,security"),
  veto: bool,
  self_approval: bool,
  t0: z.string().transform((v) => v.toLowerCase()).pipe(z.enum(["hold", "cancel"])),
  no_go_reason: z.string().transform((v) => v.toLowerCase()).pipe(z.enum(["required", "optional"])),
  reminders: z
    .string()
    .transform((v) => readOffsets(v))
    .refine((read) => read.ok, "offsets like 60m,15m,5m,0m")
    .transform((read) => (read.ok ? read.minutes : [])),
  timezone: z.string().refine(isValidTimeZone, "an IANA zone such as Europe/Berlin or America/New_York (an abbreviation such as EST or PST is one fixed offset, without summer time)"),
  auto_rollback: z
    .string()
    .transform((v) => (v.toLowerCase() === "none" || v === "" ? [] : v.toLowerCase().split(",").map((x) => x.trim())))
    .refine((list) => list.every((x) => (ALERT_SEVERITIES as readonly string[]).includes(x)), "severities"),
  revote_after: z
    .string()
    .transform((v) => readMinutes(v, REVOTE_AFTER_RANGE))
    .refine((mins) => mins !== undefined, "off or a duration such as 24h"),
  override_approvers: z
    .string()
    .trim()
    .pipe(z.enum(["1", "2"]))
    .transform((v) => Number(v) as 1 | 2),
  lock_reminder: z
    .string()
    .transform(readLockReminder)
    .refine((v) => v !== undefined, LOCK_REMINDER_HINT),
} as const;

export type PolicyKey = keyof typeof KEYS;
export const POLICY_KEYS = Object.keys(KEYS) as PolicyKey[];

const HINTS: Record<PolicyKey, string> = {
  quorum: `${describeRange(WHOLE_NUMBER_RANGES.quorum)} (GO votes), e.g. quorum=2`,
  require: "comma-separated sign-off roles or none, e.g. require=qa,security",
  veto: "on or off",
  self_approval: "on or off",
  t0: "hold or cancel",
  no_go_reason: "required or optional",
  reminders: `how long before T-0 to remind, from 0m to 7d each, comma-separated, such as ${DURATION_FORMS}, e.g. reminders=60m,15m,5m,0m`,
  timezone: "an IANA zone such as Europe/Berlin or America/New_York (an abbreviation such as EST or PST is one fixed offset, without summer time)",
  auto_rollback: "alert severities that roll back without a person, e.g. auto_rollback=critical, or none",
  revote_after: `off, or how far T-0 may move later before the votes are cleared, from 1m to 365d, such as ${DURATION_FORMS}, e.g. revote_after=24h`,
  override_approvers: "1 or 2 (2: shipping inside a freeze needs two different admins or release-managers to ask)",
  lock_reminder: `${LOCK_REMINDER_HINT}, e.g. lock_reminder=4h`,
};

/** How far T-0 may move later before votes are cleared: from a minute to a year. */
const REVOTE_AFTER_RANGE = { min: 1, max: 365 * 24 * 60 } as const;
/** A reminder offset: from T-0 itself to a week before it. */
const REMINDER_RANGE = { min: 0, max: 7 * 24 * 60 } as const;

/**
 * `60m,15m,5m,0m`, `1h30m,15m`: each offset a duration (a bare number, as before, is minutes).
 * The first that cannot be read says why, when there is more to say than the forms.
 */
function readOffsets(text: string): MinutesRead<number[]> {
  const minutes: number[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const read = readMinutesWhy(/^\d+$/.test(part) ? `${part}m` : part, REMINDER_RANGE, false);
    if (!read.ok) return read;
    minutes.push(read.minutes!);
  }
  return { ok: true, minutes };
}

/** What is wrong with a duration setting's value, when there is more to say than the forms it takes. */
function durationProblem(key: PolicyKey, value: string): string | null {
  if (key === "lock_reminder") return problemOf(readLockReminderWhy(value));
  if (key === "revote_after") return problemOf(readMinutesWhy(value, REVOTE_AFTER_RANGE));
  if (key === "reminders") return problemOf(readOffsets(value));
  return null;
}

function problemOf(read: { ok: boolean; problem?: string | null }): string | null {
  return read.ok ? null : (read.problem ?? null);
}

/** Settings whose value is a duration: `lock_reminder=1h 30m` comes as two words, which are one value. */
const DURATION_KEYS: ReadonlySet<string> = new Set<PolicyKey>(["lock_reminder", "revote_after", "reminders"]);

/** The pairs with a duration's later words (`30m` after `lock_reminder=1h`) joined back to it. */
function joinDurationWords(pairs: string[]): string[] {
  const joined: string[] = [];
  for (const pair of pairs) {
    const last = joined.at(-1);
    const key = last?.slice(0, Math.max(0, last.indexOf("="))).toLowerCase();
    // A next part (`30m`), or the unit of a number just before it (`4 h`).
    const continues = /^\d/.test(pair) || (/\d$/.test(last ?? "") && /^[a-z]+$/i.test(pair));
    if (last !== undefined && key && DURATION_KEYS.has(key) && !pair.includes("=") && continues) joined[joined.length - 1] = `${last} ${pair}`;
    else joined.push(pair);
  }
  return joined;
}

/** Reads `key=value` pairs into a policy change; a bad key or value names what is expected. */
export function parsePolicyChanges(pairs: string[]): Partial<Policy> {
  if (pairs.length === 0) {
    throw new UserError("policy_usage", `Say what to change, e.g. \`/release policy set quorum=2 require=qa\`. Keys: ${POLICY_KEYS.join(", ")}.`);
  }
  const out: Partial<Policy> = {};
  for (const pair of joinDurationWords(pairs)) {
    const eq = pair.indexOf("=");
    const key = (eq > 0 ? pair.slice(0, eq) : pair).toLowerCase() as PolicyKey;
    if (!Object.hasOwn(KEYS, key)) {
      const meant = closestWord(key, POLICY_KEYS);
      const hint = meant ? ` Did you mean \`${meant}${eq > 0 ? pair.slice(eq) : ""}\`?` : "";
      throw new UserError("policy_key", `\`${pair}\` is not a policy setting.${hint} Use key=value with one of: ${POLICY_KEYS.join(", ")}.`);
    }
    if (eq < 0) throw new UserError("policy_value", `\`${key}\` needs a value: ${HINTS[key]}.`);
    const parsed = KEYS[key].safeParse(pair.slice(eq + 1));
    if (!parsed.success) {
      const why = key === "quorum" ? zeroQuorumNote(pair.slice(eq + 1)) : "";
      const problem = durationProblem(key, pair.slice(eq + 1));
      throw new UserError("policy_value", `\`${pair}\` is not valid${problem ? ` (${problem})` : ""}: ${key} takes ${HINTS[key]}.${why}`);
    }
    assign(out, key, parsed.data);
  }
  return out;
}

/** Each setting's key as typed in `/release policy set`. */
const KEY_OF_FIELD: Record<Exclude<keyof Policy, "criteria">, PolicyKey> = {
  quorum: "quorum",
  require: "require",
  veto: "veto",
  selfApproval: "self_approval",
  t0: "t0",
  noGoReason: "no_go_reason",
  reminders: "reminders",
  timezone: "timezone",
  autoRollback: "auto_rollback",
  revoteAfter: "revote_after",
  overrideApprovers: "override_approvers",
  lockReminder: "lock_reminder",
};

/** The other way round: which field a typed key sets. */
const FIELD_OF_KEY = Object.fromEntries(Object.entries(KEY_OF_FIELD).map(([field, key]) => [key, field])) as Record<PolicyKey, keyof Policy>;

function assign(out: Partial<Policy>, key: PolicyKey, value: unknown): void {
  (out as Record<string, unknown>)[FIELD_OF_KEY[key]] = value;
}


/** A setting's value as `/release policy` shows it and `policy set` takes it: `on`, `qa,security`, `none`, `60m,15m`. */
function valueText(field: Exclude<keyof Policy, "criteria">, p: Partial<Policy>): string {
  const value = p[field];
  if (typeof value === "boolean") return value ? "on" : "off";
  if (field === "lockReminder" || field === "revoteAfter") return minutesText(p[field] ?? null);
  if (field === "reminders" && Array.isArray(value)) return value.map((m) => `${m}m`).join(",");
  if (Array.isArray(value)) return value.length ? value.join(",") : "none";
  return String(value);
}

/** One line per setting, for `/release policy`. */
export function describePolicy(p: Policy): string[] {
  const line = (field: Exclude<keyof Policy, "criteria">, gloss?: string) => `${KEY_OF_FIELD[field]}=${valueText(field, p)}${gloss ? ` (${gloss})` : ""}`;
  return [
    line("quorum", "GO votes needed"),
    line("require", "sign-off roles"),
    line("veto", "whether any no-go blocks"),
    line("selfApproval", "whether the manager's own GO counts"),
    line("t0", "what T-0 does without GO"),
    line("noGoReason"),
    line("reminders"),
    line("timezone"),
    line("autoRollback", "alerts that roll back without a person"),
    line("revoteAfter", "how far T-0 may move later before votes are cleared"),
    line("overrideApprovers", "people who must ask to ship inside a freeze"),
    line("lockReminder", "how often a deploy lock still on is said again"),
  ];
}

/** `quorum 2 → 3, veto off → on`: what a `policy set` changed, for the audit trail. */
export function describePolicyChanges(before: Policy, changes: Partial<Policy>): string {
  const fields = (Object.keys(KEY_OF_FIELD) as Array<keyof typeof KEY_OF_FIELD>).filter((f) => Object.hasOwn(changes, f));
  return fields.map((f) => `${KEY_OF_FIELD[f]} ${valueText(f, before)} → ${valueText(f, changes)}`).join(", ") || "nothing";
}

import { DURATION_FORMS, readDuration } from "./domain/duration.js";
import { parseAdmin, type Person } from "./domain/identity.js";
import { zeroQuorumNote } from "./domain/policy.js";
import { describeRange, readWholeNumber, WHOLE_NUMBER_RANGES } from "./domain/whole-number.js";

/*
 * The readers config.ts builds each environment variable's check from. A reader gets the value,
 * or undefined when the variable is unset or blank ("GONOGO_QUORUM=" in .env means "use the
 * default", never 0), and returns what gonogo uses or refuses with a sentence that follows
 * the variable's name: "GONOGO_QUORUM" + " must be a whole number from 1 to 100, not "0x10"."
 */

/** A refusal from one reader; loadConfig puts the variable's name in front of it. */
export class Refusal extends Error {}
export const refuse = (rest: string): never => {
  throw new Refusal(rest);
};
/** A value as a message shows it: quoted, so blanks and stray characters are visible. */
export const shown = (value: string) => JSON.stringify(value);

export type Reader<T> = (value: string | undefined) => T;
export const withDefault =
  <T>(fallback: T, read: (value: string) => T): Reader<T> =>
  (value) => (value === undefined ? fallback : read(value));
export const optional =
  <T>(read: (value: string) => T): Reader<T | undefined> =>
  (value) => (value === undefined ? undefined : read(value));
export const text = (value: string) => value;

export const oneOf =
  <const T extends string>(choices: readonly T[]) =>
  (value: string): T =>
    (choices as readonly string[]).includes(value) ? (value as T) : refuse(`must be ${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}, not ${shown(value)}.`);

export const wholeNumber = (range: { min: number; max: number }) => (value: string) =>
  readWholeNumber(value, range) ?? refuse(`must be ${describeRange(range)}, not ${shown(value)}.`);

export const quorum = (value: string) =>
  readWholeNumber(value, WHOLE_NUMBER_RANGES.quorum) ?? refuse(`must be ${describeRange(WHOLE_NUMBER_RANGES.quorum)}, not ${shown(value)}.${zeroQuorumNote(value)}`);

/** A retro delay or window further out than a year is a typo, not a plan. */
const LONGEST_DURATION_DAYS = 365;
export const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A duration read as chat reads one (`readDuration`: `90m`, `1h30m`, `1h 30m`, `1d12h`, `500ms`),
 * within a range. One message for every refusal, unreadable or out of range, so each setting
 * names its own range and the forms a duration takes, and says what is wrong when there is more to say.
 */
export const durationIn =
  (range: { min: number; max: number; minText: string; maxText: string }) =>
  (value: string): number => {
    const read = readDuration(value);
    const ms = read.ok ? read.ms : Number.NaN;
    const why = !read.ok && read.problem ? ` (${read.problem})` : "";
    if (!(ms >= range.min && ms <= range.max)) refuse(`must be a duration from ${range.minText} to ${range.maxText} such as ${DURATION_FORMS}, not ${shown(value)}${why}.`);
    return ms;
  };

/** A duration from 0s to a year. */
export const duration = durationIn({ min: 0, max: LONGEST_DURATION_DAYS * UNIT_MS.d, minText: "0s", maxText: `${LONGEST_DURATION_DAYS}d` });

export const httpUrl = (example: string) => (value: string) => {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol !== "http:" && url?.protocol !== "https:") refuse(`must be an http:// or https:// URL such as ${example}, not ${shown(value)}.`);
  return value;
};

/**
 * A webhook's URL: http(s), without a user name or password. Node's fetch refuses such a URL
 * on every call, so it would fail at the first release instead of at start-up (and the value
 * is not echoed: it holds a password).
 */
export const webhookUrl = (example: string) => (value: string) => {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url && (url.username || url.password)) {
    refuse(`must not carry a user name or password (user:password@…): gonogo cannot send to such a URL. The receiver can trust a call by its signature (WEBHOOK_SECRET, see "Signatures" in the README), or take a token in the path or query, e.g. ${example}?token=…`);
  }
  // Its path or query may carry the receiver's token, so only the scheme and host are repeated.
  if (url?.protocol !== "http:" && url?.protocol !== "https:") refuse(`must be an http:// or https:// URL such as ${example}, not ${url ? `${url.protocol}//${url.host}/…` : "a value that is not a URL"}.`);
  return value;
};

/** Comma-separated entries, each checked; an empty entry ("a,,b") is a typo, so it is refused rather than skipped. */
export const list = (check: (entry: string) => string | undefined) => (value: string) => {
  const entries = value.split(",").map((s) => s.trim());
  const empty = entries.indexOf("");
  if (empty >= 0) refuse(`has an empty entry (entry ${empty + 1} of ${shown(value)}): remove the extra comma.`);
  for (const entry of entries) {
    const problem = check(entry);
    if (problem) refuse(`entry ${shown(entry)} ${problem}`);
  }
  return entries;
};

/** The id forms an admin entry may take are domain/identity.ts's `parseAdmin`. */
const adminId = (entry: string) =>
  parseAdmin(entry)
    ? undefined
    : "is not an admin id: use terminal:<name>, slack:<team id>:<user id> (or just the Slack user id, U…), or discord:<server id>:<user id> (or just the Discord user id).";
/** Admins as people, read once here: a bare Slack or Discord user id counts in every workspace or server. */
export const admins = (value: string): Person[] => list(adminId)(value).flatMap((entry) => parseAdmin(entry) ?? []);
export const roleName = (entry: string) => (/^[a-z][a-z0-9_-]{0,31}$/.test(entry) ? undefined : "is not a role name: use lower-case words such as qa,security.");

/** A PostgreSQL URL; never repeated in a message, since it usually carries a password. */
export const postgresUrl = (value: string) => {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== "postgres:" && url.protocol !== "postgresql:")) {
    return refuse("must be a postgres:// or postgresql:// URL such as postgres://gonogo:<password>@db.example.com:5432/gonogo (leave it blank for SQLite at DATABASE_PATH).");
  }
  // A password with @ # / or % typed as it is cuts the URL in the wrong place (`p@ss#w/rd` made
  // the host `ss`), or cannot be decoded: say so, without repeating it.
  const encoded = "percent-encode special characters in the user name and password (@ as %40, # as %23, / as %2F, : as %3A, % as %25)";
  if (url.hash || value.slice(0, value.length - url.hash.length).split("@").length > 2) refuse(`cannot be read as one URL: ${encoded}.`);
  try {
    decodeURIComponent(url.password);
    decodeURIComponent(url.username);
  } catch {
    refuse(`has a % that is not an escape in its user name or password: ${encoded}.`);
  }
  return value;
};

/** Secrets are checked but never repeated in a message. */
export const secretStartingWith = (prefix: string, what: string) => (value: string) => (value.startsWith(prefix) ? value : refuse(`must be ${what} starting with ${prefix}.`));
export const matching = (pattern: RegExp, what: string) => (value: string) => (pattern.test(value) ? value : refuse(`must be ${what}, not ${shown(value)}.`));

import { UserError } from "./errors.js";
import { checkLength, INPUT_LIMITS } from "./limits.js";

/**
 * The checks on each value of a `/release` command, whether it was typed as a word of text
 * (the grammar) or in a field of its own (Discord's options, the create form). Each returns
 * the value as kept or throws the refusal the person sees.
 */

/** What a service, version and environment may look like, wherever they are typed (lengths from the limits table). */
export const SERVICE = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,${INPUT_LIMITS.service.max - 1}}$`);
const VERSION = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,${INPUT_LIMITS.version.max - 1}}$`);
export const ENVIRONMENT = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${INPUT_LIMITS.environment.max - 1}}$`);
const ROLE = new RegExp(`^[a-z][a-z0-9_-]{0,${INPUT_LIMITS.role.max - 1}}$`);

export const CREATE_USAGE = "`/release create payments 1.4.2 [at tomorrow 10:00] [env staging]`";
export const STATS_USAGE = "`/release stats [service] [days] [env <environment>]`, e.g. `/release stats payments 90 env production`";

/** `R-12`, `r-12`, `12`, `#12` → `R-12`. */
const RELEASE_ID = /^(?:#|r-?)?(\d{1,9})$/i;

/** Whether a word is a release id as people type them (`R-12`, `r12`, `#12`, `12`). */
export function looksLikeReleaseId(token: string | null | undefined): boolean {
  return token !== null && token !== undefined && RELEASE_ID.test(token);
}

export function normalizeReleaseId(token: string | null | undefined, usage: string): string {
  const m = token ? RELEASE_ID.exec(token) : null;
  if (!m) {
    throw new UserError("release_id", token ? `\`${token}\` is not a release id (they look like R-12). Usage: ${usage}. \`/release list\` shows open releases.` : `Say which release, e.g. ${usage}. \`/release list\` shows open releases.`);
  }
  return `R-${Number(m[1])}`;
}

/**
 * A service or version typed in a box of its own may hold a space, which a word of text
 * never does: name that plainly rather than leave it to the pattern's refusal.
 */
export function checkOneWord(label: "service" | "version", value: string): string {
  if (/\s/.test(value)) throw new UserError("one_word", `The ${label} is one word without spaces (got \`${value}\`).`);
  return value;
}

/**
 * Service, version and environment checks shared by the command and the create form: the
 * length first (so a long paste is not echoed back), then what the word may contain.
 * Services and environments are kept in lower case, like roles: `Payments` and `payments`
 * are one service, so a lock or the deploy queue cannot be slipped past by case.
 */
export function checkService(service: string, field?: string): string {
  checkLength("service", service, field);
  if (!SERVICE.test(service)) throw new UserError("bad_service", `\`${service}\` is not a service name: one word of letters, digits, dots, dashes and slashes, e.g. payments.`, field);
  return service.toLowerCase();
}

export function checkVersion(version: string, field?: string): string {
  checkLength("version", version, field);
  if (!VERSION.test(version)) throw new UserError("bad_version", `\`${version}\` is not a version: one word of letters, digits, dots, dashes, e.g. 1.4.2.`, field);
  return version;
}

export function checkEnvironment(environment: string, field?: string): string {
  checkLength("environment", environment, field);
  if (!ENVIRONMENT.test(environment)) throw new UserError("bad_env", `\`${environment}\` is not an environment name: one word such as production or staging.`, field);
  return environment.toLowerCase();
}

/** Hold, cancel and rollback reasons are capped like vote reasons: each lands on the card. */
export function checkReason(kind: "holdReason" | "cancelReason" | "rollbackReason", reason: string | null): string | null {
  return reason === null ? null : checkLength(kind, reason);
}

/** A gonogo role name, kept in lower case. */
export function checkRole(role: string): string {
  const lower = role.toLowerCase();
  checkLength("role", lower);
  if (!ROLE.test(lower)) throw new UserError("bad_role", `\`${lower}\` is not a role name: a lower-case word such as qa, security, oncall, release-manager or admin.`);
  return lower;
}

export function roleUsage(op?: "grant" | "revoke"): UserError {
  return new UserError(
    "role_usage",
    op ? `Use \`/release role ${op} <user or group> <role>\`, e.g. \`/release role ${op} @dana qa\`.` : "Use `/release role grant <user> <role>`, `/release role revoke <user> <role>` or `/release role list`.",
  );
}

/** How many days back stats look: a whole number (`90`, or `90d` as typed) from 1 to 3650. */
export function checkStatsDays(days: number | string): number {
  const n = typeof days === "number" ? days : /^\d{1,4}d?$/.test(days) ? Number(days.replace("d", "")) : NaN;
  if (typeof days === "string" && Number.isNaN(n)) throw new UserError("stats_usage", `\`${days}\` is not a number of days. Use ${STATS_USAGE}.`);
  if (!Number.isInteger(n) || n < 1 || n > 3650) throw new UserError("stats_usage", "Pick between 1 and 3650 days, e.g. `/release stats 90`.");
  return n;
}

/** `quorum=3 require=qa` → one change per word, the whole capped like every typed value. */
export function policyChanges(text: string): string[] {
  checkLength("policyChanges", text);
  return text.split(/\s+/).filter(Boolean);
}

import { UserError } from "./errors.js";
import { parseSubject } from "./identity.js";

/**
 * The one table of how long typed input may be. The grammar, the forms (and so the Slack
 * and Discord modals), the Discord command options and every refusal read it, so a limit
 * stated in one place is the limit everywhere. `what` starts the refusal: "A version is at
 * most 64 characters".
 *
 * Lengths are JavaScript string lengths (UTF-16 code units), the unit the platforms'
 * `max_length` counts in too.
 */
export const INPUT_LIMITS = {
  service: { max: 64, what: "A service name" },
  version: { max: 64, what: "A version" },
  environment: { max: 32, what: "An environment name" },
  description: { max: 1000, what: "A description" },
  /** Vote, hold, cancel and rollback reasons: each ends up on the card. */
  voteReason: { max: 500, what: "A vote reason" },
  holdReason: { max: 500, what: "A hold reason" },
  cancelReason: { max: 500, what: "A cancel reason" },
  rollbackReason: { max: 500, what: "A rollback reason" },
  /** Freeze, lock and override reasons: each lands on cards and in the audit trail. */
  freezeReason: { max: 200, what: "A freeze reason" },
  lockReason: { max: 500, what: "A lock reason" },
  overrideReason: { max: 500, what: "An override reason" },
  retroAnswer: { max: 1000, what: "A retro answer" },
  /** A person typed by name: the release manager, a role's subject, the terminal's `/as`. */
  name: { max: 32, what: "A user name" },
  /** A platform-qualified id such as `slack:T1:U2` or `discord-role:G1:R2`. */
  subjectId: { max: 128, what: "A user or group id" },
  role: { max: 32, what: "A role name" },
  when: { max: 100, what: "A release time" },
  policyChanges: { max: 200, what: "A policy change" },
  releaseId: { max: 12, what: "A release id" },
  auditDate: { max: 10, what: "An export date" },
  /** A readiness criterion's name (`tests`, `rollback-plan`). */
  criterion: { max: 32, what: "A criterion name" },
  /** `/release criteria set …`: up to MAX_CRITERIA `name:role` pairs. */
  criteriaSpec: { max: 400, what: "A list of criteria" },
  /** The note with a tick (`/release check R-7 tests fail <note>`), and an admin's override reason. */
  checkNote: { max: 500, what: "A check note" },
  /** An evidence link from a person or CI. */
  evidenceUrl: { max: 500, what: "An evidence link" },
  /** `/release link <code>`: a code is 9 characters (`K7QM-4RPZ`); a little room for spaces typed in it. */
  linkCode: { max: 20, what: "A link code" },
} as const satisfies Record<string, { max: number; what: string }>;

export type InputKind = keyof typeof INPUT_LIMITS;

/** The refusal for `value` over its limit, or null when it fits. */
function overLimit(kind: InputKind, value: string): string | null {
  const { max, what } = INPUT_LIMITS[kind];
  return value.length > max ? `${what} is at most ${max} characters (yours has ${value.length}).` : null;
}

/** Refuses `value` over its limit, naming the limit; `field` tags the form field for inline errors. */
export function checkLength(kind: InputKind, value: string, field?: string): string {
  const problem = overLimit(kind, value);
  if (problem) throw new UserError("too_long", problem, field);
  return value;
}

/** A reason as kept: trimmed, null when blank, refused over its limit. */
export function cleanReason(kind: "voteReason" | "holdReason" | "cancelReason" | "rollbackReason", reason: string | null | undefined): string | null {
  const cleaned = reason?.trim() || null;
  return cleaned === null ? null : checkLength(kind, cleaned, "reason");
}

/** A bare name, as `/as`, `manager @dana` and `role grant dana qa` take it (an optional `@` in front). */
export const NAME = new RegExp(`^@?[A-Za-z0-9._-]{1,${INPUT_LIMITS.name.max}}$`);

/**
 * Checks a typed person or group (a release manager, a role's subject): a bare name like the
 * terminal's `/as`, or an id an adapter translated a mention into. Returns it unchanged.
 */
export function checkSubject(token: string, what: "manager" | "subject"): string {
  const bare = token.replace(/^@/, "");
  // An id an adapter put in (`slack:T1:U2`, `discord-role:G1:R2`, `terminal:dana`) reads as a subject; anything else is a name.
  const qualified = parseSubject(bare) !== null;
  checkLength(qualified ? "subjectId" : "name", bare);
  if (!qualified && !NAME.test(token)) {
    const example = what === "manager" ? "`manager @dana`" : "`/release role grant @dana qa`";
    throw new UserError("bad_name", `\`${token}\` is not a user name: letters, digits, dots, dashes and underscores, at most ${INPUT_LIMITS.name.max} characters, e.g. ${example}.`);
  }
  return token;
}

/**
 * The first `n` UTF-16 units of `text`, or fewer, so the cut falls between two characters as a
 * person sees them: never inside an emoji's surrogate pair (half of one is not valid text:
 * Discord cannot store it), a flag, a skin tone or a family joined by zero-width joiners.
 */
export function wholeCharacters(text: string, n: number): string {
  if (n >= text.length) return text;
  if (n <= 0) return "";
  // Only the characters around the cut are segmented: a cut is made in loops over long texts.
  const from = Math.max(0, n - 64);
  let end = from;
  for (const { index, segment } of GRAPHEMES.segment(text.slice(from, n + 32))) {
    if (from + index + segment.length > n) break;
    end = from + index + segment.length;
  }
  // One character longer than the window (rare: combining marks by the dozen): at least keep surrogate pairs whole.
  if (end === from && from > 0) {
    const code = text.charCodeAt(n - 1);
    return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
  }
  return text.slice(0, end);
}

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** `text` cut to at most `max` characters, the cut marked with an ellipsis and never through a character. */
export function cutText(text: string, max: number): string {
  return text.length <= max ? text : `${wholeCharacters(text, Math.max(0, max - 1))}…`;
}

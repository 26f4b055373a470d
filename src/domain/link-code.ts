/*
 * The one-time code that proves two accounts are one person (`/release link`): asked for on
 * one account, typed on the other. Pure: the random letters come from the caller.
 */

/** How long a code works: long enough to switch apps, short enough that a code seen over a shoulder is soon worth nothing. */
export const LINK_CODE_TTL_MS = 10 * 60_000;

/** Letters and digits nobody misreads (no 0/O, 1/I/L). 31⁸ codes: guessing one inside ten minutes is hopeless. */
export const LINK_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const LINK_CODE_LENGTH = 8;

/** A code as shown: two groups of four, `K7QM-4RPZ`. */
export function showLinkCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A code as typed, in the form it was made (case, spaces and dashes do not matter), or null when it cannot be one. */
export function readLinkCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, "");
  if (code.length !== LINK_CODE_LENGTH) return null;
  return [...code].every((c) => LINK_CODE_ALPHABET.includes(c)) ? code : null;
}

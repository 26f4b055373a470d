/**
 * The one way gonogo reads a number someone typed, in the environment or in chat.
 *
 * Digits only. `Number()` would read "" and "  " as 0, "0x10" as 16, "1e3" as 1000 and
 * "2.0" as 2; each of those is a typing mistake, and a blank quorum read as 0 ships
 * every release with nobody voting. So anything but plain digits is refused.
 */

/** The smallest and largest value a number may take; the refusal states both. */
export interface WholeNumberRange {
  min: number;
  max: number;
}

/**
 * Every whole number gonogo reads, in one table: the check and the error text both come
 * from here, so the message can never disagree with the rule.
 */
export const WHOLE_NUMBER_RANGES = {
  /** GO votes needed (`GONOGO_QUORUM`, `/release policy set quorum=`). Zero would make a decision nobody took. */
  quorum: { min: 1, max: 100 },
  /** The HTTP port (`PORT`); 0 asks the system for any free port. */
  port: { min: 0, max: 65535 },
} as const satisfies Record<string, WholeNumberRange>;

/** The number `text` spells in plain digits, if it is within `range`; undefined otherwise. */
export function readWholeNumber(text: string, range: WholeNumberRange): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= range.min && n <= range.max ? n : undefined;
}

/** "a whole number from 1 to 100": the words every refusal of a number uses. */
export function describeRange(range: WholeNumberRange): string {
  return `a whole number from ${range.min} to ${range.max}`;
}

import { describe, type Logger, type MessageRef, type Telemetry } from "./ports.js";

/** An error an adapter throws to say "rate limited: wait this long". */
export function retryAfterOf(err: unknown): number | null {
  const e = err as { retryAfterMs?: unknown; data?: { retry_after?: unknown }; retryAfter?: unknown };
  if (typeof e?.retryAfterMs === "number") return e.retryAfterMs;
  if (typeof e?.retryAfter === "number") return e.retryAfter * 1000;
  return null;
}

/** A card edit is tried this many times in a row before gonogo waits for the card's next change. */
const MAX_EDIT_ATTEMPTS = 5;

/**
 * After the `attempts`-th failed edit of a card in a row: counts it, and says how long to
 * wait before trying again (the platform's Retry-After, or a doubling back-off), or null
 * to give up until the card's next change. Both say so in the log.
 */
export function retryDelayAfterFailedEdit(err: unknown, attempts: number, ref: MessageRef, deps: { log: Logger; telemetry: Telemetry }): number | null {
  deps.telemetry.cardUpdate(ref.platform, "error");
  if (attempts >= MAX_EDIT_ATTEMPTS) {
    deps.log.error({ err: describe(err), platform: ref.platform, channel: ref.channel.key }, "card update failed; giving up until the next change");
    return null;
  }
  const rateLimited = retryAfterOf(err);
  if (rateLimited !== null) deps.telemetry.rateLimitWait(ref.platform, rateLimited / 1000);
  const retryIn = rateLimited ?? 500 * 2 ** attempts;
  deps.log.warn({ err: describe(err), retryInMs: retryIn, platform: ref.platform }, "card update failed; retrying");
  return retryIn;
}

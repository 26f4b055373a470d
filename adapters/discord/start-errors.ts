import { PlatformUnavailable } from "../../src/app/ports.js";
import { scrubText } from "./scrub.js";

/** How long a start-up call to Discord's API may take before this try gives up on it. */
export const START_CALL_MS = 10_000;

/**
 * The gateway closed with a code discord.js does not reconnect after: the token, the intents or
 * the sharding are wrong, which a person must fix (Discord's Gateway close event codes).
 */
class GatewayRefused extends Error {
  constructor(
    readonly closeCode: number,
    message: string,
  ) {
    super(message);
    this.name = "GatewayRefused";
  }
}

const GATEWAY_REFUSALS: Record<number, string> = {
  4004: "the gateway refused DISCORD_TOKEN (4004 Authentication failed). Check DISCORD_TOKEN (Developer Portal → Bot → Reset Token).",
  4010: "the gateway refused the shard gonogo asked for (4010 Invalid shard). Report this: gonogo opens one shard.",
  4011: "the gateway asks for sharding (4011 Sharding required): the bot is in too many servers for one gonogo connection.",
  4012: "the gateway refused the API version gonogo speaks (4012 Invalid API version). Update gonogo.",
  4013: "the gateway refused the intents gonogo asks for (4013 Invalid intents). Update gonogo.",
  4014: "the gateway refused an intent this application may not use (4014 Disallowed intents). gonogo asks only for Guilds; check that DISCORD_TOKEN is the bot token of DISCORD_APPLICATION_ID (Developer Portal → Bot).",
};

/** The refusal for a gateway close code, or null for a code discord.js reconnects after. */
export function gatewayRefusal(code: number): GatewayRefused | null {
  const why = GATEWAY_REFUSALS[code];
  return why ? new GatewayRefused(code, why) : null;
}

/**
 * Whether Discord refused the settings themselves: a token it does not know (401, the
 * gateway's 4004), an application or server the bot may not reach (403) or that does not
 * exist (404), a request it cannot take (400), intents or sharding it will not allow.
 * Anything else (no answer, a timeout, a 5xx of an outage, a 429, a proxy's 407 or 502, no
 * READY in time) is Discord or the network being unavailable: a later try may succeed.
 */
export function refusedSettings(err: unknown): boolean {
  const e = err as { status?: unknown; code?: unknown };
  if (err instanceof GatewayRefused) return true;
  return e?.status === 400 || e?.status === 401 || e?.status === 403 || e?.status === 404 || e?.code === "TokenInvalid" || e?.code === "DisallowedIntents" || e?.code === "InvalidIntents";
}

/** What to do about the usual start-up failures, in the operator's terms. */
export function hintFor(err: unknown): string {
  const e = err as { status?: unknown; code?: unknown; message?: unknown };
  if (err instanceof GatewayRefused) return "";
  if (!refusedSettings(err)) return " Check this machine's network and proxy, and DISCORD_API_URL if set.";
  if (e?.status === 401 || e?.code === "TokenInvalid" || /invalid token/i.test(String(e?.message))) {
    return " Check DISCORD_TOKEN (Developer Portal → Bot → Reset Token).";
  }
  if (e?.status === 400 || e?.status === 403 || e?.status === 404 || e?.code === 50001) {
    return " Check DISCORD_APPLICATION_ID and DISCORD_GUILD_ID, and that the bot was invited with the applications.commands scope (see the Discord section of README.md).";
  }
  return "";
}

/** An error's own words without tokens, with its HTTP status or network code when it has one ("503 Service Unavailable", "connect ECONNREFUSED 127.0.0.1:443"). */
export function reasonOf(err: unknown, secrets: readonly string[]): string {
  const e = err as { status?: unknown; message?: unknown; cause?: { code?: unknown } };
  const message = scrubText(err instanceof Error ? err.message : String(err), secrets);
  const status = typeof e?.status === "number" && !message.startsWith(String(e.status)) ? `${e.status} ` : "";
  const cause = typeof e?.cause?.code === "string" && !message.includes(e.cause.code) ? ` (${e.cause.code})` : "";
  return `${status}${message}${cause}`;
}

/**
 * A failed start as gonogo reports it: a refused setting fails start-up with what to fix (the
 * original error is not kept as cause: its URL or message may carry the token); anything else
 * is PlatformUnavailable, and gonogo keeps trying.
 */
export function startFailure(err: unknown, secrets: readonly string[]): Error {
  const reason = reasonOf(err, secrets);
  if (!refusedSettings(err)) return new PlatformUnavailable(reason);
  return new Error(`Discord start failed: ${reason}${hintFor(err)}`);
}

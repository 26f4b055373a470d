/**
 * discord.js errors carry request URLs, and interaction/webhook URLs contain tokens that
 * let anyone answer as the bot for 15 minutes. Everything logged goes through here.
 */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(/\/interactions\/(\d+)\/[^/\s?"'#]+/g, "/interactions/$1/[token]")
    .replace(/\/webhooks\/(\d+)\/[^/\s?"'#]+/g, "/webhooks/$1/[token]")
    .replace(/\bBot\s+[A-Za-z0-9._-]{20,}/g, "Bot [token]");
  for (const s of secrets) if (s) out = out.split(s).join("[token]");
  return out;
}

/** A loggable summary of any thrown value, with tokens removed. */
export function errorForLog(err: unknown, secrets: readonly string[] = []): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: scrubText(String(err), secrets) };
  const e = err as Error & { code?: unknown; status?: unknown; method?: unknown; url?: unknown };
  const out: Record<string, unknown> = { name: e.name, message: scrubText(e.message, secrets) };
  if (e.code !== undefined) out.code = e.code;
  if (typeof e.status === "number") out.status = e.status;
  if (typeof e.method === "string") out.method = e.method;
  if (typeof e.url === "string") out.url = scrubText(e.url, secrets);
  if (e.stack) out.stack = scrubText(e.stack, secrets);
  return out;
}

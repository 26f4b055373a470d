import { parseSubject } from "../domain/identity.js";
import { describe, type ChatSurface, type Logger } from "./ports.js";
import type { ReplyPart } from "./views.js";

/**
 * A direct message to one person on their own platform, after the commit that asked for it.
 * Best effort: the change it tells of is stored whatever happens here. False when nothing could
 * be sent (the platform is not connected or has no direct messages), so a caller may tell
 * someone else; a send the platform refused is logged and counts as tried.
 */
export async function sendPrivately(surfaces: Map<string, ChatSurface>, log: Logger, person: string, line: ReplyPart[]): Promise<boolean> {
  const subject = parseSubject(person);
  const platform = subject?.kind === "person" ? subject.platform : null;
  const surface = platform ? surfaces.get(platform) : undefined;
  if (!surface?.tellPrivately) return false;
  try {
    await surface.tellPrivately(person, line);
  } catch (err) {
    log.warn({ err: describe(err), platform }, "a private message could not be sent");
  }
  return true;
}

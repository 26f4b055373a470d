import type { ChatSurface } from "./ports.js";

/**
 * The chat platforms attached to the core, and which of them are connected now. A platform
 * whose adapter is still trying to connect (an outage at start-up), or whose connection dropped
 * and is being re-established, is attached but not live: its cards, edits and notices wait for
 * it instead of failing, and are sent once it connects.
 */
export function createPlatforms() {
  /** Attached and connected: where cards are posted and edited now. */
  const live = new Map<string, ChatSurface>();
  /** Attached and not connected yet. */
  const waiting = new Map<string, ChatSurface>();
  return {
    live,
    attach(surface: ChatSurface, connected: boolean): void {
      (connected ? live : waiting).set(surface.platform, surface);
      (connected ? waiting : live).delete(surface.platform);
    },
    /** The platform's adapter connected; false when it was not waiting (nothing to catch up on). */
    connect(platform: string): boolean {
      const surface = waiting.get(platform);
      if (!surface) return false;
      waiting.delete(platform);
      live.set(platform, surface);
      return true;
    },
    /** The platform's connection dropped: what is meant for it waits until `connect`. */
    disconnect(platform: string): void {
      const surface = live.get(platform);
      if (!surface) return;
      live.delete(platform);
      waiting.set(platform, surface);
    },
    /** Whether what is meant for this platform should wait for it (rather than be skipped: a platform not configured here). */
    waitingFor: (platform: string): boolean => waiting.has(platform),
  };
}

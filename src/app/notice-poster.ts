import type { Cluster } from "./cluster.js";
import { NOTICE_LEASE_MS, NOTICE_MAX_ATTEMPTS, NOTICE_SWEEP_MS } from "./notice-outbox.js";
import { channelName } from "./channel-names.js";
import { ChannelClosedToBot, describe, MessageGone, type ChatSurface, type Clock, type Logger, type MessageRef, type Timer } from "./ports.js";
import type { OutboxNotice, Store } from "./store.js";
import type { ChannelRef } from "../domain/types.js";
import type { NoticeView, ReplyPart } from "./views.js";

export interface NoticePosterDeps {
  store: Store;
  log: Logger;
  clock: Clock;
  timer: Timer;
  /** The platforms connected now. */
  surfaces: Map<string, ChatSurface>;
  /** Whether a platform is configured but not connected yet: a notice under its copies waits for it. */
  waitingFor: (platform: string) => boolean;
  cluster?: Cluster | undefined;
  /** Card sync's per-release chain: a notice is posted after the card it belongs under. */
  chain: (releaseId: string, step: () => Promise<void>) => void;
  /** Card sync's tracking of work in flight, so `idle` and `stop` wait for sweeps too. */
  track: <T>(p: Promise<T>) => Promise<T>;
  keyOf: (ref: MessageRef) => string;
}

/**
 * Notices through the outbox (notice-outbox.ts): at least once across a crash. A notice a
 * committed use case wrote is posted under every copy of its card, then deleted; a sweep at
 * start-up and every few seconds posts what a failed post or a dead instance left behind.
 */
export function createNoticePoster(deps: NoticePosterDeps) {
  const { store, log, clock, surfaces, waitingFor, cluster, chain, track, keyOf } = deps;

  /** Who takes notices in the outbox: this instance, or the one process. */
  const poster = cluster?.instanceId ?? "local";
  /** Outbox rows queued or being posted here: a sweep leaves them to the chain they are in. */
  const outboxing = new Set<number>();

  /**
   * Posts a notice under every copy of its card that does not have it yet. An outboxed one is
   * taken first (none when another instance took it or it was posted), then deleted once every
   * copy has it, or, when some failed, kept with the copies that have it for a later sweep. A
   * crash before the delete leaves it for the sweep: the notice repeats, it is never lost.
   */
  async function postNotice(n: NoticeView, outboxId: number | undefined, claimed?: OutboxNotice): Promise<void> {
    try {
      const row = outboxId === undefined ? null : (claimed ?? (await store.takeNotice(outboxId, poster, clock.now(), NOTICE_LEASE_MS)));
      if (outboxId !== undefined && !row) return;
      if (row && row.attempts > NOTICE_MAX_ATTEMPTS) {
        log.error({ releaseId: row.releaseId, attempts: row.attempts - 1 }, "a notice could not be posted under every copy of its card; giving up on it");
        await store.deleteNotice(row.id);
        return;
      }
      const sentTo = new Set(row?.sentTo ?? []);
      let failed = false;
      let waiting = false;
      for (const { platform, key, post } of await placesOf(n)) {
        const surface = surfaces.get(platform);
        if (sentTo.has(key)) continue;
        if (!surface) {
          waiting ||= waitingFor(platform);
          continue;
        }
        try {
          await post(surface);
          sentTo.add(key);
        } catch (err) {
          // A deleted card takes no replies, now or later: that copy is done with.
          if (err instanceof MessageGone) continue;
          // A channel the bot is not let into (a lock set there by hand): the people it calls hear it privately instead.
          if (err instanceof ChannelClosedToBot && n.channel && (await tellInstead(surface, n, n.channel))) {
            sentTo.add(key);
            continue;
          }
          failed = true;
          log.error({ err: describe(err), platform, releaseId: n.releaseId }, row ? "notice failed; it is posted again on a later sweep" : "notice failed");
        }
      }
      if (!row) return;
      if (failed) await store.deferNotice(row.id, poster, [...sentTo], clock.now() + NOTICE_SWEEP_MS * 2 ** (row.attempts - 1));
      // Only a platform still connecting is left: not a failed try (an outage of any length must
      // not use up the notice's tries). Due at once: the next sweep, or the one when it connects, takes it.
      else if (waiting) await store.deferNotice(row.id, poster, [...sentTo], clock.now(), { uncounted: true });
      else await store.deleteNotice(row.id);
    } finally {
      if (outboxId !== undefined) outboxing.delete(outboxId);
    }
  }

  /** Tells the people a channel notice calls, privately, what it says and why it comes to them; false when none could be told. */
  async function tellInstead(surface: ChatSurface, n: NoticeView, channel: ChannelRef): Promise<boolean> {
    if (!surface.tellPrivately) return false;
    const line: ReplyPart[] = ["I can't post in ", { channel, text: channelName(channel) }, " (let gonogo in there), so this comes to you: ", ...(n.parts ?? [n.text])];
    let told = false;
    for (const person of n.mention) {
      try {
        await surface.tellPrivately(person, line);
        told = true;
      } catch (err) {
        log.warn({ err: describe(err), platform: surface.platform }, "a channel notice could not be told privately either");
      }
    }
    return told;
  }

  /** Where a notice goes: its channel, or under every copy of its release's card; each with the key `sentTo` remembers it by. */
  async function placesOf(n: NoticeView): Promise<Array<{ platform: string; key: string; post: (s: ChatSurface) => Promise<void> }>> {
    const { channel } = n;
    if (channel) return [{ platform: channel.platform, key: `channel|${channel.key}`, post: (s) => s.postInChannel(channel, n) }];
    return (await store.listMessageRefs(n.releaseId)).map((ref) => ({ platform: ref.platform, key: keyOf(ref), post: (s) => s.postNotice(ref, n) }));
  }

  function notice(n: NoticeView, outboxId?: number): void {
    if (outboxId !== undefined) {
      // A sweep at start-up may have claimed the row between its commit and now: it posts it.
      if (outboxing.has(outboxId)) return;
      outboxing.add(outboxId);
    }
    chain(n.releaseId, () => postNotice(n, outboxId));
  }

  /**
   * Takes up notices left in the outbox: their post failed, or their instance died between
   * committing and posting (or between posting and deleting: those repeat). Alone on its
   * database at start-up (`startUp`), a process takes every row at once: nobody else is posting.
   */
  let sweepingNotices = false;
  async function sweepNotices(startUp = false): Promise<void> {
    if (sweepingNotices) return;
    sweepingNotices = true;
    try {
      const now = clock.now();
      const endedBy = startUp && !cluster ? Number.MAX_SAFE_INTEGER : now;
      for (const row of await store.claimStaleNotices(poster, now, NOTICE_LEASE_MS, 50, endedBy)) {
        if (outboxing.has(row.id)) continue;
        outboxing.add(row.id);
        chain(row.releaseId, () => postNotice(row.notice, row.id, row));
      }
    } catch (err) {
      log.error({ err: describe(err) }, "looking for notices left in the outbox failed; trying again on the next sweep");
    } finally {
      sweepingNotices = false;
    }
  }
  let noticeSweep: { cancel(): void } | null = null;

  return {
    notice,
    /** Posts what a previous run left in the outbox, then looks again every few seconds. */
    start(): void {
      if (noticeSweep) return;
      void track(sweepNotices(true));
      noticeSweep = deps.timer.every(NOTICE_SWEEP_MS, () => void track(sweepNotices()));
    },
    /** Looks for notices in the outbox now (a platform they waited for connected). */
    sweepNow(): void {
      void track(sweepNotices());
    },
    stop(): void {
      noticeSweep?.cancel();
      noticeSweep = null;
    },
  };
}

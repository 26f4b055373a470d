import type { Cluster } from "./cluster.js";
import { CARD_POST_MAX_ATTEMPTS, CARD_POST_MAX_BACKOFF_MS, NOTICE_LEASE_MS, NOTICE_MAX_ATTEMPTS, NOTICE_SWEEP_MS } from "./notice-outbox.js";
import { channelName } from "./channel-names.js";
import { ChannelClosedToBot, describe, MessageGone, type ChatSurface, type Clock, type Logger, type MessageRef, type Timer } from "./ports.js";
import { isCardPost, type CardPost, type OutboxItem } from "./outbox-store.js";
import type { OutboxEntry, Store } from "./store.js";
import type { ChannelRef } from "../domain/types.js";
import type { NoticeView, ReplyPart } from "./views.js";

/** How one try of an outbox item went: done with (posted, or nothing left to do), failed (try again later), or waiting for a platform still connecting. */
export type Delivery = "done" | "failed" | "waiting";

export interface OutboxPosterDeps {
  store: Store;
  log: Logger;
  clock: Clock;
  timer: Timer;
  /** The platforms connected now. */
  surfaces: Map<string, ChatSurface>;
  /** Whether a platform is configured but not connected yet: a notice under its copies, or a card for it, waits for it. */
  waitingFor: (platform: string) => boolean;
  cluster?: Cluster | undefined;
  /** Card sync's per-release chain: a notice is posted after the card it belongs under. */
  chain: (releaseId: string, step: () => Promise<void>) => void;
  /** Card sync's tracking of work in flight, so `idle` and `stop` wait for sweeps too. */
  track: <T>(p: Promise<T>) => Promise<T>;
  keyOf: (ref: MessageRef) => string;
  /** Card sync's post of a card owed to a channel (recording its copy when it went out). */
  postCard: (post: CardPost) => Promise<Delivery>;
}

/**
 * What the outbox holds, posted (notice-outbox.ts): at least once across a crash. A notice a
 * committed use case wrote is posted under every copy of its card, a card owed to a channel
 * is posted there (card sync records the copy), then the row is deleted; a sweep at start-up
 * and every few seconds posts what a failed post, a platform still connecting or a dead
 * instance left behind.
 */
export function createOutboxPoster(deps: OutboxPosterDeps) {
  const { store, log, clock, surfaces, waitingFor, cluster, chain, track, keyOf } = deps;

  /** Who takes rows of the outbox: this instance, or the one process. */
  const poster = cluster?.instanceId ?? "local";
  /** Outbox rows queued or being posted here: a sweep leaves them to the chain they are in. */
  const outboxing = new Set<number>();
  /**
   * Card posts that failed here and wait for their next try, by release: a change to the
   * release tries them at once (its channel is busy again, so the platform is likely back),
   * rather than after their back-off. The outbox keeps them either way.
   */
  const cardsOwed = new Map<string, Map<number, CardPost>>();
  function owe(id: number, item: CardPost, owed: boolean): void {
    const ids = cardsOwed.get(item.releaseId) ?? new Map<number, CardPost>();
    if (owed) ids.set(id, item);
    else ids.delete(id);
    if (ids.size) cardsOwed.set(item.releaseId, ids);
    else cardsOwed.delete(item.releaseId);
  }

  /**
   * Delivers an outbox item. An outboxed one is taken first (none when another instance took it
   * or it was done), then deleted once done, or, when it failed, kept (a notice with the copies
   * that have it) for a later sweep. A crash before the delete leaves it for the sweep: the
   * notice or card repeats, it is never lost. A card keeps being tried for hours (a chat outage
   * must not cost a release its buttons); a notice that keeps failing is given up after minutes.
   */
  async function deliver(item: OutboxItem, outboxId: number | undefined, claimed?: OutboxEntry): Promise<void> {
    try {
      const row = outboxId === undefined ? null : (claimed ?? (await store.takeFromOutbox(outboxId, poster, clock.now(), NOTICE_LEASE_MS)));
      const card = isCardPost(item);
      if (outboxId !== undefined && !row) {
        // Done, or another instance has it now.
        if (card) owe(outboxId, item, false);
        return;
      }
      if (row && row.attempts > (card ? CARD_POST_MAX_ATTEMPTS : NOTICE_MAX_ATTEMPTS)) {
        if (card) owe(row.id, item, false);
        log.error({ releaseId: row.releaseId, attempts: row.attempts - 1 }, card ? "a card could not be posted in its channel; giving up on it (/release share <id> there posts it)" : "a notice could not be posted under every copy of its card; giving up on it");
        await store.deleteFromOutbox(row.id);
        return;
      }
      const sentTo = new Set(row?.sentTo ?? []);
      const outcome = await whileHeld(row, () => (card ? deps.postCard(item) : postNotice(item, sentTo, row !== null)));
      if (!row) return;
      if (card) owe(row.id, item, outcome === "failed");
      if (outcome === "failed") await store.deferOutbox(row.id, poster, [...sentTo], clock.now() + Math.min(NOTICE_SWEEP_MS * 2 ** (row.attempts - 1), card ? CARD_POST_MAX_BACKOFF_MS : Infinity));
      // Only a platform still connecting is left: not a failed try (an outage of any length must
      // not use up the item's tries). Due at once: the next sweep, or the one when it connects, takes it.
      else if (outcome === "waiting") await store.deferOutbox(row.id, poster, [...sentTo], clock.now(), { uncounted: true });
      else await store.deleteFromOutbox(row.id);
    } finally {
      if (outboxId !== undefined) outboxing.delete(outboxId);
    }
  }

  /**
   * Runs `post` holding `row` (with several instances): its lease is renewed every third of it,
   * so a slow chat API (a post can take its retries and time-outs, well past the lease) does not
   * let another instance's sweep take the row and post the card or notice a second time.
   */
  async function whileHeld(row: OutboxEntry | null, post: () => Promise<Delivery>): Promise<Delivery> {
    if (!row || !cluster) return post();
    const renew = () =>
      void store.renewOutboxLease(row.id, poster, clock.now() + NOTICE_LEASE_MS).catch((err: unknown) => log.warn({ err: describe(err), releaseId: row.releaseId }, "keeping hold of an outbox row being posted failed; another instance may post it too once its lease ends"));
    const renewal = deps.timer.every(NOTICE_LEASE_MS / 3, renew);
    try {
      return await post();
    } finally {
      renewal.cancel();
    }
  }

  /** Posts a notice under every copy of its card not in `sentTo` (which it adds to). */
  async function postNotice(n: NoticeView, sentTo: Set<string>, outboxed: boolean): Promise<Delivery> {
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
        log.error({ err: describe(err), platform, releaseId: n.releaseId }, outboxed ? "notice failed; it is posted again on a later sweep" : "notice failed");
      }
    }
    // A copy of the card still owed (its platform down or connecting): the notice waits for it
    // too, as it would in the release's chain, and is then posted under that copy alone.
    if (!failed && !waiting && !n.channel && outboxed && (await store.cardPostOwed(n.releaseId))) waiting = true;
    return failed ? "failed" : waiting ? "waiting" : "done";
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

  /** Posts a notice, or a card owed to a channel, in its release's chain (after the card it belongs under). */
  function post(item: OutboxItem, outboxId?: number): void {
    if (outboxId !== undefined) {
      // A sweep at start-up may have claimed the row between its commit and now: it posts it.
      if (outboxing.has(outboxId)) return;
      outboxing.add(outboxId);
    }
    chain(item.releaseId, () => deliver(item, outboxId));
  }

  /**
   * Takes up what was left in the outbox: its post failed, or its instance died between
   * committing and posting (or between posting and deleting: those repeat). Alone on its
   * database at start-up (`startUp`), a process takes every row at once: nobody else is posting.
   */
  let sweeping = false;
  async function sweepOutbox(startUp = false): Promise<void> {
    if (sweeping) return;
    sweeping = true;
    try {
      const now = clock.now();
      const endedBy = startUp && !cluster ? Number.MAX_SAFE_INTEGER : now;
      for (const row of await store.claimStaleOutbox(poster, now, NOTICE_LEASE_MS, 50, endedBy)) {
        if (outboxing.has(row.id)) continue;
        outboxing.add(row.id);
        chain(row.releaseId, () => deliver(row.item, row.id, row));
      }
    } catch (err) {
      log.error({ err: describe(err) }, "looking for notices and cards left in the outbox failed; trying again on the next sweep");
    } finally {
      sweeping = false;
    }
  }
  let outboxSweep: { cancel(): void } | null = null;

  return {
    post,
    /** The release changed: its card posts that failed here are tried again now. */
    retryCardsOf(releaseId: string): void {
      for (const [id, item] of cardsOwed.get(releaseId) ?? []) post(item, id);
    },
    /** Posts what a previous run left in the outbox, then looks again every few seconds. */
    start(): void {
      if (outboxSweep) return;
      void track(sweepOutbox(true));
      outboxSweep = deps.timer.every(NOTICE_SWEEP_MS, () => void track(sweepOutbox()));
    },
    /** Looks in the outbox now (a platform that notices and cards waited for connected). */
    sweepNow(): void {
      void track(sweepOutbox());
    },
    stop(): void {
      outboxSweep?.cancel();
      outboxSweep = null;
    },
  };
}

import type { ChannelRef } from "../domain/types.js";
import { MessageGone, sleep, type ChatSurface, type Clock, type Logger, type MessageRef, type Telemetry, type Timer } from "./ports.js";
import type { Cluster } from "./cluster.js";
import { createNoticePoster } from "./notice-poster.js";
import type { CardLease, Store } from "./store.js";
import type { CardView } from "./views.js";

export interface CardSyncDeps {
  store: Store;
  log: Logger;
  /** Reads the card as stored now. */
  cardFor: (releaseId: string) => Promise<CardView>;
  surfaces: Map<string, ChatSurface>;
  telemetry: Telemetry;
  clock: Clock;
  /** Spacing between edits and retry back-off wait on it. */
  timer: Timer;
  /**
   * Set when several instances share the database: each card message is then edited by
   * the holder of its lease (in the store), and spacing and "out of date" live there too.
   */
  cluster?: Cluster;
}

interface Slot {
  /** A newer state exists than the one last sent. */
  dirty: boolean;
  running: boolean;
  lastSentAt: number;
}

const MAX_ATTEMPTS = 5;
/**
 * A card lease lasts this long unless renewed (every edit renews it): when its holder dies,
 * another instance takes the card over within this plus one sweep.
 */
export const CARD_LEASE_MS = 5_000;
/** How often an instance looks for out-of-date cards whose holder died or left. */
const CARD_SWEEP_MS = 1_000;

/** Resolves after the event loop has handled what is already queued (I/O and answers in flight). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An error an adapter throws to say "rate limited: wait this long". */
export function retryAfterOf(err: unknown): number | null {
  const e = err as { retryAfterMs?: unknown; data?: { retry_after?: unknown }; retryAfter?: unknown };
  if (typeof e?.retryAfterMs === "number") return e.retryAfterMs;
  if (typeof e?.retryAfter === "number") return e.retryAfter * 1000;
  return null;
}

/**
 * Keeps every posted copy of a card up to date. Per message: at most one update in
 * flight, at most one per the platform's interval, and the card is rebuilt from the
 * store right before sending, so the latest state always wins and a storm of votes
 * becomes a handful of edits.
 */
export function createCardSync(deps: CardSyncDeps) {
  const { store, log, cardFor, surfaces, telemetry, clock } = deps;
  const wait = (ms: number) => sleep(deps.timer, ms);
  const slots = new Map<string, Slot>();
  const pending = new Set<Promise<unknown>>();
  /** Per release: the chain of posts and notices, so a notice never overtakes its card. */
  const chains = new Map<string, Promise<unknown>>();

  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
    return p;
  };

  const keyOf = (ref: MessageRef) => `${ref.platform}|${ref.channel.key}|${ref.messageId}`;

  /**
   * A copy deleted in chat, on purpose or not: retrying cannot bring it back, and re-posting
   * would undo someone's deletion. `/release share <id>` posts it again.
   */
  async function forgetDeletedCopy(releaseId: string, ref: MessageRef): Promise<void> {
    await store.removeMessageRef(releaseId, ref);
    slots.delete(keyOf(ref));
    log.warn({ platform: ref.platform, channel: ref.channel.key, releaseId }, "the card was deleted in chat; gonogo no longer updates that copy (`/release share <id>` in the channel posts it again)");
  }

  async function pump(releaseId: string, ref: MessageRef, slot: Slot, surface: ChatSurface): Promise<void> {
    slot.running = true;
    try {
      // Let the answer to the press that started this go out first: rendering the card
      // and starting its API call ran ahead of it, and of the presses queued behind it.
      await nextTurn();
      let attempts = 0;
      while (slot.dirty) {
        const gap = slot.lastSentAt + surface.minUpdateIntervalMs - clock.now();
        if (gap > 0) await wait(gap);
        slot.dirty = false;
        try {
          await surface.updateCard(ref, await cardFor(releaseId));
          slot.lastSentAt = clock.now();
          attempts = 0;
          telemetry.cardUpdate(ref.platform, "ok");
        } catch (err) {
          if (err instanceof MessageGone) {
            await forgetDeletedCopy(releaseId, ref);
            break;
          }
          attempts++;
          slot.dirty = true;
          telemetry.cardUpdate(ref.platform, "error");
          if (attempts >= MAX_ATTEMPTS) {
            log.error({ err: describe(err), platform: ref.platform, channel: ref.channel.key }, "card update failed; giving up until the next change");
            slot.dirty = false;
            break;
          }
          const rateLimited = retryAfterOf(err);
          if (rateLimited !== null) telemetry.rateLimitWait(ref.platform, rateLimited / 1000);
          const retryAfter = rateLimited ?? 500 * 2 ** attempts;
          log.warn({ err: describe(err), retryInMs: retryAfter, platform: ref.platform }, "card update failed; retrying");
          await wait(retryAfter);
        }
      }
    } finally {
      slot.running = false;
    }
  }

  /** Counts changes per release, so a post can tell whether it went out stale. */
  const versions = new Map<string, number>();

  /** Cards whose post failed for good, by release: the next change to the release tries again. */
  const unposted = new Map<string, Map<string, ChannelRef>>();

  function refresh(releaseId: string): void {
    versions.set(releaseId, (versions.get(releaseId) ?? 0) + 1);
    const retry = unposted.get(releaseId);
    if (retry) {
      unposted.delete(releaseId);
      for (const channel of retry.values()) post(releaseId, channel);
    }
    void track(markDirtyOnce(releaseId));
  }

  /** Marks in flight per release, and whether another change came in since one started. */
  const marking = new Map<string, { again: boolean }>();

  /**
   * markDirty, once at a time per release: a storm commits its votes in batches, and one
   * mark begun after a change committed covers every change before it, so the changes that
   * come in while a mark is under way need one more mark after it, not one each.
   */
  async function markDirtyOnce(releaseId: string): Promise<void> {
    const inFlight = marking.get(releaseId);
    if (inFlight) {
      inFlight.again = true;
      return;
    }
    const state = { again: false };
    marking.set(releaseId, state);
    try {
      do {
        state.again = false;
        await markDirty(releaseId);
      } while (state.again);
    } finally {
      marking.delete(releaseId);
    }
  }

  /** Marks every copy of the card out of date and starts its pump if it is not running. */
  async function markDirty(releaseId: string): Promise<void> {
    if (cluster) return markDirtyShared(releaseId);
    for (const ref of await store.listMessageRefs(releaseId)) {
      const surface = surfaces.get(ref.platform);
      if (!surface) continue;
      const key = keyOf(ref);
      let slot = slots.get(key);
      if (!slot) {
        slot = { dirty: false, running: false, lastSentAt: 0 };
        slots.set(key, slot);
      }
      slot.dirty = true;
      if (!slot.running) {
        void track(pump(releaseId, ref, slot, surface));
      }
    }
  }

  // ---- Several instances on one database: each card message has a lease in the store. ----

  const cluster = deps.cluster;
  const me = cluster?.instanceId ?? "";

  /**
   * Marks each copy out of date in the store, which also hands this instance the lease when
   * nobody holds it. A copy whose lease another instance holds is that instance's to
   * re-render: it sees the newer version when it settles its edit, and a signal tells it
   * in case it was idle.
   */
  async function markDirtyShared(releaseId: string): Promise<void> {
    const refs = (await store.listMessageRefs(releaseId)).filter((ref) => surfaces.has(ref.platform));
    await Promise.all(refs.map((ref) => mark(releaseId, ref)));
  }

  async function mark(releaseId: string, ref: MessageRef): Promise<void> {
    const lease = await store.markCardDirty(releaseId, ref, me, clock.now(), CARD_LEASE_MS);
    if (lease.holder === me) startShared(lease.releaseId, lease.ref);
    else if (lease.holder !== null) cluster!.publish({ type: "card", releaseId, ref, holder: lease.holder });
  }

  function startShared(releaseId: string, ref: MessageRef): void {
    const surface = surfaces.get(ref.platform);
    if (!surface) return;
    const key = keyOf(ref);
    let slot = slots.get(key);
    if (!slot) {
      slot = { dirty: false, running: false, lastSentAt: 0 };
      slots.set(key, slot);
    }
    if (!slot.running) void track(pumpShared(releaseId, ref, slot, surface));
  }

  /**
   * Edits one card while this instance holds its lease: waits out the spacing since the
   * last edit by any instance, renders what is committed now, and settles the lease with
   * the version it showed. The store keeps the lease while a newer version came in and
   * lets it go otherwise, so a change on another instance is never left unrendered.
   */
  async function pumpShared(releaseId: string, ref: MessageRef, slot: Slot, surface: ChatSurface): Promise<void> {
    slot.running = true;
    const take = () => store.takeCardLease(ref, me, clock.now(), CARD_LEASE_MS);
    const settle = (rendered: number, editedAt: number | null) => store.settleCardLease(ref, me, clock.now(), CARD_LEASE_MS, rendered, editedAt);
    try {
      await nextTurn();
      let attempts = 0;
      // Shutting down: stop after the edit under way; the lease is let go and another instance carries on.
      while (!stopping) {
        let lease: CardLease | null = await take();
        if (!lease) break;
        const gap = lease.lastEditAt + surface.minUpdateIntervalMs - clock.now();
        if (gap > 0) {
          await wait(gap);
          lease = await take();
          if (!lease) break;
        }
        const version = lease.version;
        if (version <= lease.rendered) {
          await settle(version, null);
          break;
        }
        try {
          await surface.updateCard(ref, await cardFor(releaseId));
        } catch (err) {
          if (err instanceof MessageGone) {
            await forgetDeletedCopy(releaseId, ref);
            break;
          }
          attempts++;
          telemetry.cardUpdate(ref.platform, "error");
          if (attempts >= MAX_ATTEMPTS) {
            log.error({ err: describe(err), platform: ref.platform, channel: ref.channel.key }, "card update failed; giving up until the next change");
            await settle(version, null);
            break;
          }
          const rateLimited = retryAfterOf(err);
          if (rateLimited !== null) telemetry.rateLimitWait(ref.platform, rateLimited / 1000);
          const retryAfter = rateLimited ?? 500 * 2 ** attempts;
          log.warn({ err: describe(err), retryInMs: retryAfter, platform: ref.platform }, "card update failed; retrying");
          await wait(retryAfter);
          continue;
        }
        attempts = 0;
        telemetry.cardUpdate(ref.platform, "ok");
        const settled = await settle(version, clock.now());
        if (settled?.holder !== me) break;
      }
    } catch (err) {
      // The database is away: the lease ends by itself and the sweep (here or elsewhere) takes the card up again.
      log.error({ err: describe(err), platform: ref.platform, releaseId }, "card lease failed; the card is taken up again when its lease ends");
    } finally {
      slot.running = false;
    }
  }

  /** Takes up out-of-date cards nobody holds (their instance died or left). */
  async function sweep(): Promise<void> {
    try {
      for (const lease of await store.claimStaleCards(me, clock.now(), CARD_LEASE_MS, 50)) startShared(lease.releaseId, lease.ref);
    } catch (err) {
      log.error({ err: describe(err) }, "looking for orphaned cards failed; trying again in a second");
    }
  }

  let sweeping: { cancel(): void } | null = null;
  let stopping = false;
  cluster?.subscribe((signal) => {
    if (signal.type === "card" && signal.holder === me) startShared(signal.releaseId, signal.ref);
    else if (signal.type === "sweep" && sweeping) void track(sweep());
  });

  function chain(releaseId: string, step: () => Promise<void>): void {
    const prev = chains.get(releaseId) ?? Promise.resolve();
    const next = prev.then(step).catch((err: unknown) => log.error({ err: describe(err), releaseId }, "posting to chat failed"));
    chains.set(releaseId, next);
    void track(next).finally(() => {
      if (chains.get(releaseId) === next) chains.delete(releaseId);
    });
  }

  async function postWithRetry(surface: ChatSurface, releaseId: string, channel: ChannelRef): Promise<{ messageId: string } | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await surface.postCard(channel, await cardFor(releaseId));
      } catch (err) {
        if (attempt >= 3) {
          log.error({ err: describe(err), releaseId, channel: channel.key }, "posting the card failed; it is posted again on the release's next change");
          const pending = unposted.get(releaseId) ?? new Map<string, ChannelRef>();
          pending.set(channel.key, channel);
          unposted.set(releaseId, pending);
          return null;
        }
        const retryIn = retryAfterOf(err) ?? 500 * 2 ** attempt;
        log.warn({ err: describe(err), releaseId, channel: channel.key, retryInMs: retryIn }, "posting the card failed; retrying");
        await wait(retryIn);
      }
    }
  }

  function post(releaseId: string, channel: ChannelRef): void {
    chain(releaseId, async () => {
      const surface = surfaces.get(channel.platform);
      if (!surface) return;
      const before = versions.get(releaseId) ?? 0;
      const posted = await postWithRetry(surface, releaseId, channel);
      if (!posted) return;
      const { messageId } = posted;
      const ref: MessageRef = { platform: channel.platform, channel, messageId };
      await store.addMessageRef(releaseId, ref);
      slots.set(keyOf(ref), { dirty: false, running: false, lastSentAt: clock.now() });
      // Votes may have landed while the post was in flight: bring the copies up to date.
      if ((versions.get(releaseId) ?? 0) !== before) refresh(releaseId);
    });
  }

  // Notices go through the outbox (notice-poster.ts), in each release's chain, so a notice never overtakes its card.
  const notices = createNoticePoster({ store, log, clock, timer: deps.timer, surfaces, cluster, chain, track, keyOf });

  async function idle(): Promise<void> {
    while (pending.size) await Promise.allSettled([...pending]);
  }

  return {
    refresh,
    post,
    notice: notices.notice,
    idle,
    /**
     * Posts the notices a previous run left in the outbox and looks for more every few
     * seconds; with several instances, also looks for orphaned cards every second.
     */
    start(): void {
      if (cluster && !sweeping) sweeping = deps.timer.every(CARD_SWEEP_MS, () => void track(sweep()));
      notices.start();
    },
    /** Finishes the edits under way, then lets go of this instance's card leases so another takes them at once. */
    async stop(): Promise<void> {
      stopping = true;
      sweeping?.cancel();
      sweeping = null;
      notices.stop();
      await idle();
      if (!cluster) return;
      if ((await store.releaseCardLeases(me)) > 0) cluster.publish({ type: "sweep" });
    },
  };
}

export type CardSync = ReturnType<typeof createCardSync>;

/** Error text without tokens: only the message and a code. */
export function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

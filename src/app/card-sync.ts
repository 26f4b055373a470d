import type { ChannelRef } from "../domain/types.js";
import type { Cluster } from "./cluster.js";
import { retryAfterOf } from "./edit-failures.js";
import { createOutboxPoster, type Delivery } from "./outbox-poster.js";
import { sendPrivately } from "./private-message.js";
import { createClosedChannelTeller } from "./closed-channel.js";
import { ChannelClosedToBot, createTurns, describe, sleep, type ChatSurface, type Clock, type Logger, type MessageRef, type Telemetry, type Timer } from "./ports.js";
import { createEditBudgets } from "./edit-budgets.js";
import { createLocalCards } from "./local-cards.js";
import { createSharedCards, MARK_SPACING_MS } from "./shared-cards.js";
import type { CardPost, Store } from "./store.js";
import type { CardView, NoticeView, ReplyPart } from "./views.js";

/** A copy just posted is recorded in up to this many tries, 2 s, 4 s, 8 s … apart (about a minute in all). */
const RECORD_COPY_TRIES = 5;
const RECORD_COPY_FIRST_WAIT_MS = 2_000;

export interface CardSyncDeps {
  store: Store;
  log: Logger;
  /** Reads the card as stored now. */
  cardFor: (releaseId: string) => Promise<CardView>;
  /** The platforms connected now. */
  surfaces: Map<string, ChatSurface>;
  /** Whether a platform is configured but not connected yet: what is meant for it waits (platforms.ts). */
  waitingFor?: (platform: string) => boolean;
  telemetry: Telemetry;
  clock: Clock;
  /** Spacing between edits and retry back-off wait on it. */
  timer: Timer;
  /**
   * Set when several instances share the database: each card message is then edited by
   * the holder of its lease (in the store), and spacing and "out of date" live there too
   * (shared-cards.ts).
   */
  cluster?: Cluster;
}

/** What card sync asks of the editor it has, local-cards.ts (one process) or shared-cards.ts (several instances). */
interface CardEditor {
  /** Marks every copy of the release's card (on `platform` only, when given) out of date: the editor re-renders them, spaced. */
  markDirty(releaseId: string, platform?: string): Promise<void>;
  /** A copy was just posted, before it is recorded: its first edit keeps the platform's spacing from now. */
  posted(ref: MessageRef, releaseId: string): void | Promise<void>;
}

/** What card sync hands the editor of the posted copies (local-cards.ts or shared-cards.ts). */
export interface CardEditorDeps extends Omit<CardSyncDeps, "cluster" | "waitingFor"> {
  /** Card sync's tracking of work in flight, so its `idle` and `stop` wait for the edits too. */
  track: <T>(p: Promise<T>) => Promise<T>;
  keyOf: (ref: MessageRef) => string;
  /** Card sync's handling of a copy deleted in chat. */
  forgetDeletedCopy: (releaseId: string, ref: MessageRef) => Promise<void>;
  /** When the next edit of `ref` may go within its workspace's edit budget (edit-budgets.ts); the slot is taken. */
  editSlot: (ref: MessageRef, surface: ChatSurface) => number;
}

/**
 * Keeps every posted copy of a card up to date: posts it (retrying, and telling whether it
 * went out stale), keeps a release's posts and notices in order, and marks its copies out
 * of date after each change, once at a time. The edits themselves are local-cards.ts's (one
 * process) or shared-cards.ts's (several instances, through leases in the store).
 */
export function createCardSync(deps: CardSyncDeps) {
  const { store, log, surfaces, clock } = deps;
  const waitingFor = deps.waitingFor ?? (() => false);
  // Four cards due at the same second were read and rendered in one stretch of 5-10 ms, and
  // the presses arriving meanwhile waited for all of them (README, Performance).
  const cardTurn = createTurns();
  const cardFor = async (releaseId: string): Promise<CardView> => {
    await cardTurn();
    return deps.cardFor(releaseId);
  };
  const wait = (ms: number) => sleep(deps.timer, ms);
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
    local?.forget(ref);
    log.warn({ platform: ref.platform, channel: ref.channel.key, releaseId }, "the card was deleted in chat; gonogo no longer updates that copy (`/release share <id>` in the channel posts it again)");
  }

  function refresh(releaseId: string): void {
    outbox.retryCardsOf(releaseId);
    void track(markDirtyOnce(releaseId));
  }

  /**
   * The time left to T-0 moved on and nothing else: a refresh, unless every copy is on a
   * platform that counts down by itself (its edit would change nothing there, and costs a call
   * from the channel's edit budget).
   */
  function countdown(releaseId: string): void {
    void track(
      (async () => {
        const refs = await store.listMessageRefs(releaseId);
        if (refs.some((ref) => !surfaces.get(ref.platform)?.countsDownItself)) refresh(releaseId);
      })().catch((err: unknown) => log.error({ err: describe(err), releaseId }, "reading the card's copies for a countdown step failed")),
    );
  }

  /** Marks in flight per release, and whether another change came in since one started. */
  const marking = new Map<string, { again: boolean }>();

  /**
   * markDirty, once at a time per release: a storm commits its votes in batches, and one
   * mark begun after a change committed covers every change before it, so the changes that
   * come in while a mark is under way need one more mark after it, not one each. With
   * several instances a mark is a database write, so marks are also spaced (shared-cards.ts).
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
        const started = clock.now();
        await editor.markDirty(releaseId);
        const rest = started + markSpacingMs - clock.now();
        if (rest > 0) await wait(rest);
      } while (state.again);
    } finally {
      marking.delete(releaseId);
    }
  }

  function chain(releaseId: string, step: () => Promise<void>): void {
    const prev = chains.get(releaseId) ?? Promise.resolve();
    const next = prev.then(step).catch((err: unknown) => log.error({ err: describe(err), releaseId }, "posting to chat failed"));
    chains.set(releaseId, next);
    void track(next).finally(() => {
      if (chains.get(releaseId) === next) chains.delete(releaseId);
    });
  }

  const channelClosed = createClosedChannelTeller({ store, log, clock, surfaces });

  /** Posts the card as stored now, retrying a few times; which message it is and what it showed, or why not. */
  async function postWithRetry(surface: ChatSurface, releaseId: string, channel: ChannelRef, askedBy?: string): Promise<{ messageId: string; shown: CardView } | "closed" | "failed"> {
    for (let attempt = 1; ; attempt++) {
      try {
        const shown = await cardFor(releaseId);
        return { ...(await surface.postCard(channel, shown)), shown };
      } catch (err) {
        if (err instanceof ChannelClosedToBot) {
          await channelClosed(releaseId, channel, err, askedBy);
          return "closed";
        }
        if (attempt >= 3) {
          log.error({ err: describe(err), releaseId, channel: channel.key }, "posting the card failed; it is tried again from the outbox");
          return "failed";
        }
        const retryIn = retryAfterOf(err) ?? 500 * 2 ** attempt;
        log.warn({ err: describe(err), releaseId, channel: channel.key, retryInMs: retryIn }, "posting the card failed; retrying");
        await wait(retryIn);
      }
    }
  }

  /**
   * Posts a card owed to a channel (from the outbox, in the release's chain) and records the
   * copy. A platform still connecting keeps it waiting; one no longer configured drops it.
   */
  async function postCard({ releaseId, channel, askedBy }: CardPost): Promise<Delivery> {
    const surface = surfaces.get(channel.platform);
    if (!surface) {
      if (waitingFor(channel.platform)) return "waiting";
      log.warn({ releaseId, platform: channel.platform, channel: channel.key }, "the card's platform is not configured; the card is not posted");
      return "done";
    }
    // Posted and recorded already, but its outbox row outlived it (crossing it off failed, e.g. on a
    // connection to a primary that went silent): a second card would split the channel's thread.
    if ((await store.listMessageRefs(releaseId)).some((ref) => ref.channel.key === channel.key)) return "done";
    const posted = await postWithRetry(surface, releaseId, channel, askedBy);
    if (posted === "failed") return "failed";
    if (posted === "closed") return "done";
    const ref: MessageRef = { platform: channel.platform, channel, messageId: posted.messageId };
    await recordCopy(releaseId, ref);
    // Votes may have landed while the post was in flight, here or on another instance, and were
    // marked on the copies known then, which did not include this one: what is stored now, read
    // after this copy was recorded, tells whether it went out stale.
    if (JSON.stringify(await cardFor(releaseId)) !== JSON.stringify(posted.shown)) refresh(releaseId);
    return "done";
  }

  /**
   * Records a copy just posted. The card is out: a copy left unrecorded would be posted a second
   * time by the outbox, so a write lost to a database failing over (its connection gone silent, cut
   * after its time limit) is tried again on a fresh connection, a few times over about a minute.
   */
  async function recordCopy(releaseId: string, ref: MessageRef): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        // Told before the copy is recorded, so no instance can mark and edit it before the spacing is known.
        await editor.posted(ref, releaseId);
        await store.addMessageRef(releaseId, ref);
        return;
      } catch (err) {
        if (tries >= RECORD_COPY_TRIES) throw err;
        log.warn({ err: describe(err), releaseId, platform: ref.platform }, "recording a card just posted failed; trying again");
        await wait(RECORD_COPY_FIRST_WAIT_MS * 2 ** (tries - 1));
      }
    }
  }

  /** Posts the card in a channel it is owed to: through the outbox row the use case wrote (`outboxId`), or straight away without one. */
  function post(releaseId: string, channel: ChannelRef, askedBy?: string, outboxId?: number): void {
    outbox.post({ kind: "card", releaseId, channel, ...(askedBy ? { askedBy } : {}) }, outboxId);
  }

  // Notices and card posts go through the outbox (outbox-poster.ts), in each release's chain, so a notice never overtakes its card.
  const markSpacingMs = deps.cluster ? MARK_SPACING_MS : 0;
  const outbox = createOutboxPoster({ store, log, clock, timer: deps.timer, surfaces, waitingFor, cluster: deps.cluster, chain, track, keyOf, postCard });
  // Who edits the posted copies: this process alone, or the holder of each card's lease in the store.
  const budgets = createEditBudgets();
  const editSlot = (ref: MessageRef, surface: ChatSurface) => budgets.slotFor(ref, surface, clock.now());
  const shared = deps.cluster ? createSharedCards({ ...deps, cardFor, cluster: deps.cluster, track, keyOf, forgetDeletedCopy, editSlot }) : null;
  const local = shared ? null : createLocalCards({ ...deps, cardFor, track, keyOf, forgetDeletedCopy, editSlot });
  const editor: CardEditor = shared ?? local!;

  async function idle(): Promise<void> {
    while (pending.size) await Promise.allSettled([...pending]);
  }

  return {
    refresh,
    countdown,
    post,
    notice: (n: NoticeView, outboxId?: number) => outbox.post(n, outboxId),
    /** A direct message to one person, tracked so `idle` and `stop` wait for it. */
    tell(person: string, line: ReplyPart[]): void {
      void track(
        sendPrivately(surfaces, log, person, line).then((sent) => {
          if (!sent) log.warn({ person }, "a private message could not be sent: its platform is not connected or has no direct messages");
        }),
      );
    },
    idle,
    /**
     * Posts the notices and cards a previous run left in the outbox and looks for more every few
     * seconds; with several instances, also looks for orphaned cards every second.
     */
    start(): void {
      shared?.start();
      outbox.start();
    },
    /**
     * A platform connected after gonogo started, or is back after a drop: the cards and notices
     * that waited for it are looked for in the outbox now. Only that platform's copies are
     * re-rendered (the caller's `refreshOn`): the others are up to date, and an edit there would
     * spend their budget for nothing.
     */
    connected(): void {
      outbox.sweepNow();
    },
    /** Re-renders the release's copies on one platform, which missed its changes while it was away; the others' are left alone. */
    refreshOn(releaseId: string, platform: string): void {
      void track(editor.markDirty(releaseId, platform).catch((err: unknown) => log.error({ err: describe(err), releaseId, platform }, "re-rendering the card's copies on a platform that is back failed; they catch up on the release's next change")));
    },
    /** Finishes the edits under way, then lets go of this instance's card leases so another takes them at once. */
    async stop(): Promise<void> {
      shared?.stop();
      outbox.stop();
      await idle();
      await shared?.letGo();
    },
  };
}

export type CardSync = ReturnType<typeof createCardSync>;

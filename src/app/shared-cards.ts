import type { CardEditorDeps } from "./card-sync.js";
import type { Cluster } from "./cluster.js";
import { retryDelayAfterFailedEdit } from "./edit-failures.js";
import { describe, MessageGone, type ChatSurface, type MessageRef, type TimerHandle } from "./ports.js";
import type { CardLease } from "./card-lease-store.js";

/**
 * A card lease lasts this long unless renewed (every edit renews it): when its holder dies,
 * another instance takes the card over within this plus one sweep.
 */
export const CARD_LEASE_MS = 5_000;
/** How often an instance looks for out-of-date cards whose holder died or left. */
const CARD_SWEEP_MS = 1_000;
/**
 * An instance marks a release's cards out of date at most this often (card sync's one mark
 * at a time per release waits this long before the next). Each mark is a write
 * to a row every instance wants; in a storm a commit lands every few milliseconds, and a
 * card is edited at most once a second anyway, so one mark per tenth of a second loses no
 * edit and shows a vote at most this much later.
 */
export const MARK_SPACING_MS = 100;

export interface SharedCardsDeps extends CardEditorDeps {
  cluster: Cluster;
}

/**
 * Card edits when several instances share the database: each card message has a lease in
 * the store, and only its holder edits it, always rendering what is committed now. The
 * spacing between edits and "out of date" live in the store too, so they hold across the
 * cluster; a holder that dies or leaves hands its cards to whichever instance sweeps next.
 */
export function createSharedCards(deps: SharedCardsDeps) {
  const { store, log, cardFor, surfaces, clock, cluster, track, keyOf } = deps;
  const me = cluster.instanceId;
  /** Cards this instance is editing now, by message key. */
  const editing = new Set<string>();
  let sweeping: { cancel(): void } | null = null;
  let stopping = false;
  /** The waits under way, each with its timer. */
  const waiting = new Map<() => void, TimerHandle>();
  /**
   * Waits `ms`, or until stop: an instance waiting out Slack's Retry-After (often 30 s and more)
   * or a card's turn would otherwise hold its shutdown, and the card's lease, for all of it,
   * while a rolling restart waits and no other instance may edit the card.
   */
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        waiting.delete(done);
        resolve();
      };
      waiting.set(done, deps.timer.after(ms, done));
    });
  /** Waits until `clock` reads `at` (a timer may end a few ms early: the clock is read again), or until stop. */
  const waitUntil = async (at: number) => {
    for (let left = at - clock.now(); left > 0 && !stopping; left = at - clock.now()) await wait(left);
  };

  /**
   * Marks each copy out of date in the store, which also hands this instance the lease when
   * nobody holds it. A copy whose lease another instance holds is that instance's to
   * re-render: it sees the newer version when it settles its edit, and a signal tells it
   * in case it was idle. With `platform`, only the copies there.
   */
  async function markDirty(releaseId: string, platform?: string): Promise<void> {
    const refs = (await store.listMessageRefs(releaseId)).filter((ref) => surfaces.has(ref.platform) && (!platform || ref.platform === platform));
    await Promise.all(refs.map((ref) => mark(releaseId, ref)));
  }

  async function mark(releaseId: string, ref: MessageRef): Promise<void> {
    const lease = await store.markCardDirty(releaseId, ref, me, clock.now(), CARD_LEASE_MS);
    if (lease.holder === me) startEditing(lease.releaseId, lease.ref);
    else if (lease.holder !== null) cluster.publish({ type: "card", releaseId, ref, holder: lease.holder });
  }

  function startEditing(releaseId: string, ref: MessageRef): void {
    const surface = surfaces.get(ref.platform);
    const key = keyOf(ref);
    if (!surface || editing.has(key)) return;
    editing.add(key);
    void track(editWhileHeld(releaseId, ref, surface).finally(() => editing.delete(key)));
  }

  /**
   * Edits one card while this instance holds its lease: waits out the spacing since the
   * last edit by any instance, renders what is committed now, and settles the lease with
   * the version it showed. The store keeps the lease while a newer version came in and
   * lets it go otherwise, so a change on another instance is never left unrendered.
   */
  async function editWhileHeld(releaseId: string, ref: MessageRef, surface: ChatSurface): Promise<void> {
    const take = () => store.takeCardLease(ref, me, clock.now(), CARD_LEASE_MS);
    const settle = (rendered: number, editedAt: number | null) => store.settleCardLease(ref, me, clock.now(), CARD_LEASE_MS, rendered, editedAt);
    try {
      // The answer to the press that started this goes out first: reading the card waits a turn.
      let attempts = 0;
      // Shutting down: stop after the edit under way; the lease is let go and another instance carries on.
      while (!stopping) {
        let lease: CardLease | null = await take();
        if (!lease) break;
        const editableAt = lease.lastEditAt + surface.minUpdateIntervalMs;
        if (editableAt > clock.now()) {
          await waitUntil(editableAt);
          if (stopping) break;
          lease = await take();
          if (!lease) break;
        }
        if (lease.version <= lease.rendered) {
          await settle(lease.version, null);
          break;
        }
        // Its turn within the workspace's budget; the lease is renewed while it waits, so no sweep takes the card meanwhile.
        const slot = deps.editSlot(ref, surface);
        while (lease && slot > clock.now() && !stopping) {
          await waitUntil(Math.min(slot, clock.now() + CARD_LEASE_MS / 2));
          lease = await take();
        }
        if (!lease || stopping) break;
        const version = lease.version;
        try {
          await surface.updateCard(ref, await cardFor(releaseId));
        } catch (err) {
          if (err instanceof MessageGone) {
            await deps.forgetDeletedCopy(releaseId, ref);
            break;
          }
          const retryIn = retryDelayAfterFailedEdit(err, ++attempts, ref, deps);
          if (retryIn === null) {
            await settle(version, null);
            break;
          }
          await wait(retryIn);
          continue;
        }
        attempts = 0;
        deps.telemetry.cardUpdate(ref.platform, "ok");
        const settled = await settle(version, clock.now());
        if (settled?.holder !== me) break;
      }
    } catch (err) {
      // The database is away: the lease ends by itself and the sweep (here or elsewhere) takes the card up again.
      log.error({ err: describe(err), platform: ref.platform, releaseId }, "card lease failed; the card is taken up again when its lease ends");
    }
  }

  /** Takes up out-of-date cards nobody holds (their instance died or left). */
  async function sweep(): Promise<void> {
    try {
      for (const lease of await store.claimStaleCards(me, clock.now(), CARD_LEASE_MS, 50)) startEditing(lease.releaseId, lease.ref);
    } catch (err) {
      log.error({ err: describe(err) }, "looking for orphaned cards failed; trying again in a second");
    }
  }

  cluster.subscribe((signal) => {
    if (signal.type === "card" && signal.holder === me) startEditing(signal.releaseId, signal.ref);
    else if (signal.type === "sweep" && sweeping) void track(sweep());
  });

  return {
    markDirty,
    /** A copy about to be recorded was just posted: the first edit, by any instance, waits out the interval from now. */
    posted: (ref: MessageRef, releaseId: string) => store.recordCardPost(releaseId, ref, clock.now()),
    /** Looks for orphaned cards every second. */
    start(): void {
      sweeping ??= deps.timer.every(CARD_SWEEP_MS, () => void track(sweep()));
    },
    /** Stops sweeping, and lets the edits under way end after their current edit; one waiting (its turn, a Retry-After) ends now. */
    stop(): void {
      stopping = true;
      sweeping?.cancel();
      sweeping = null;
      for (const [done, timer] of [...waiting]) {
        timer.cancel();
        done();
      }
    },
    /** Once the edits under way are done: lets go of this instance's leases so another instance takes them at once. */
    async letGo(): Promise<void> {
      if ((await store.releaseCardLeases(me)) > 0) cluster.publish({ type: "sweep" });
    },
  };
}

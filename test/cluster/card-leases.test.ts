import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type PostgresHandle } from "../../db/postgres/client.js";
import { startPgCluster, type PgCluster } from "../../db/postgres/notify.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { createBot } from "../../src/app/bot.js";
import type { Bot } from "../../src/app/bot-api.js";
import { CARD_LEASE_MS, MARK_SPACING_MS } from "../../src/app/shared-cards.js";
import type { ChatSurface, Logger } from "../../src/app/ports.js";
import type { EditBudget } from "../../src/domain/edit-budget.js";
import type { CardView } from "../../src/app/views.js";
import { createConditions } from "../helpers/condition.js";
import { channel, createFakeTime, defaultCoreConfig, person, T0, type FakeTime } from "../helpers/core.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";

const silent: Logger = { info() {}, warn() {}, error() {} };

interface Edit {
  by: string;
  card: CardView;
  at: number;
}

/** One chat channel both instances post to: every edit is recorded with who sent it and when (by its clock). */
function sharedChannel(editBudget?: EditBudget) {
  const edits: Edit[] = [];
  const conditions = createConditions();
  let seq = 0;
  const entered: Record<string, number> = {};
  const gates: Record<string, Promise<void> | undefined> = {};
  const posting: Record<string, number> = {};
  const postGates: Record<string, Promise<void> | undefined> = {};
  const surfaceFor = (by: string, clock: FakeTime): ChatSurface => ({
    platform: "terminal",
    minUpdateIntervalMs: 1_000,
    ...(editBudget ? { editBudget } : {}),
    async postCard() {
      posting[by] = (posting[by] ?? 0) + 1;
      conditions.changed();
      await postGates[by];
      return { messageId: String(++seq) };
    },
    async updateCard(_ref, card) {
      entered[by] = (entered[by] ?? 0) + 1;
      conditions.changed();
      await gates[by];
      edits.push({ by, card, at: clock.now() });
      conditions.changed();
    },
    postNotice: () => Promise.resolve(),
    postInChannel: () => Promise.resolve(),
  });
  /** Holds the calls `gates` guards for `by` until the returned function is called (never, for an instance that "dies"). */
  const holdOn = (gates: Record<string, Promise<void> | undefined>) => (by: string) => {
    let open!: () => void;
    gates[by] = new Promise<void>((r) => (open = r));
    return () => {
      gates[by] = undefined;
      open();
    };
  };
  const hold = holdOn(gates);
  const holdPosts = holdOn(postGates);
  const goShown = () => edits.at(-1)?.card.tally.go ?? 0;
  return { edits, entered, posting, surfaceFor, hold, holdPosts, goShown, until: conditions.until, changed: conditions.changed };
}

// Each test opens two instances on a fresh database (migrations, pools, LISTEN): seconds on a loaded CI machine.
describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "card leases across instances" : `card leases across instances ${SKIP_WITHOUT_POSTGRES}`, { timeout: 20_000 }, () => {
  let databases: TestDatabases;
  const open: Array<{ bot: Bot; cluster: PgCluster; handle: PostgresHandle; clock: FakeTime; stopped: boolean }> = [];
  beforeAll(() => {
    databases = createTestDatabases(TEST_DATABASE_URL!);
  });
  afterAll(() => databases.dropAll(), 60_000);
  afterEach(async () => {
    for (const i of open.splice(0)) {
      // A clock the test held still lets the waits on it end, or stop would wait for them forever.
      i.clock.fastForward();
      if (!i.stopped) await i.bot.stop();
      await i.cluster.close();
      await i.handle.close();
    }
  });

  /**
   * Two instances on one fresh database, each with its own clock (so one can stand still, as a
   * dead one does); with `clocksStandStill` both move only when the test moves them (a clock
   * racing ahead would see the other's leases as ended and take its cards), and A's
   * post of the card hangs until `releasePosts()` when `holdPostsOnA`.
   */
  async function twoInstances(opts: { clocksStandStill?: boolean; holdPostsOnA?: boolean; marksHangOn?: string; editBudget?: EditBudget } = {}) {
    const url = await databases.fresh();
    const chat = sharedChannel(opts.editBudget);
    /** How often each instance marked a card out of date in the database, and took or renewed a card's lease. */
    const marks: Record<string, number> = {};
    const takes: Record<string, number> = {};
    const start = async (name: string) => {
      const handle = await openPostgres(url, { max: 4 });
      const cluster = await startPgCluster({ pool: handle.pool, listenUrl: url, instanceId: name, log: silent });
      const clock = createFakeTime(T0);
      if (!opts.clocksStandStill) clock.fastForward();
      const pgStore = createPostgresStore(handle);
      const store = {
        ...pgStore,
        markCardDirty: (...args: Parameters<typeof pgStore.markCardDirty>) => {
          marks[name] = (marks[name] ?? 0) + 1;
          chat.changed();
          // An instance that died right after its commit: its mark never reaches the database.
          if (opts.marksHangOn === name) return new Promise<never>(() => {});
          return pgStore.markCardDirty(...args);
        },
        takeCardLease: async (...args: Parameters<typeof pgStore.takeCardLease>) => {
          const lease = await pgStore.takeCardLease(...args);
          takes[name] = (takes[name] ?? 0) + 1;
          chat.changed();
          return lease;
        },
      };
      const bot = createBot({ store, config: defaultCoreConfig, clock, timer: clock.timer, log: silent, cluster });
      bot.attachSurface(chat.surfaceFor(name, clock));
      await bot.start();
      const instance = { bot, cluster, handle, stopped: false, clock, name };
      open.push(instance);
      return instance;
    };
    const a = await start("A");
    const b = await start("B");
    const say = (on: Bot, who: string, text: string) => on.handle({ kind: "command", actor: person(who), channel, text });
    const releasePosts = opts.holdPostsOnA ? chat.holdPosts("A") : () => {};
    await say(a.bot, "alice", "create payments 1.4.2");
    // The scenarios start with the card in chat (a vote racing the post is a scenario of its own).
    if (!opts.holdPostsOnA) await a.bot.idle();
    return { a, b, chat, say, marks, takes, releasePosts };
  }

  it("a vote taken by B shows on the card while A holds its lease: A re-renders it, B never edits it, one edit a second", async () => {
    const { a, b, chat, say } = await twoInstances();
    const release = chat.hold("A");
    await say(a.bot, "alice", "vote R-1 go");
    await chat.until(() => chat.entered.A === 1);
    await say(b.bot, "bob", "vote R-1 go");
    // B has marked the card out of date (after its commit, as an effect) and left it to A.
    await b.bot.idle();
    expect(chat.entered.B).toBeUndefined();
    release();
    await chat.until(() => chat.goShown() === 2);
    await b.bot.idle();
    expect(chat.edits.map((e) => e.by)).toEqual(["A", "A"]);
    expect(chat.edits[1]!.at - chat.edits[0]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it("when A dies holding the lease, B takes the card over once the lease ends and shows the true tally", async () => {
    const { a, b, chat, say } = await twoInstances();
    chat.hold("A"); // never released: A's edit hangs for good, as a dead instance's would
    await say(a.bot, "alice", "vote R-1 go");
    await chat.until(() => chat.entered.A === 1);
    // A took the lease again as it began the edit (a second after its post of the card).
    const leaseEnds = a.clock.now() + CARD_LEASE_MS;
    await say(b.bot, "bob", "vote R-1 go");
    await b.bot.idle();
    expect(chat.edits).toEqual([]);
    // B's sweep finds nothing while A's lease lasts…
    b.clock.set(leaseEnds - 1_000);
    await b.bot.idle();
    expect(chat.edits).toEqual([]);
    // …and takes the card once it has ended.
    b.clock.set(leaseEnds + 1_000);
    await chat.until(() => chat.goShown() === 2);
    expect(chat.edits.map((e) => e.by)).toEqual(["B"]);
    a.stopped = true; // its edit never ends: nothing to wait for
  });

  it("a vote B committed shows on the card even when B dies before it can mark the card: the mark committed with the vote, and A's sweep re-renders it", async () => {
    const { a, b, chat, say } = await twoInstances({ marksHangOn: "B" });
    // B answers the press once the vote is committed, then dies: its own mark after the commit never lands.
    await say(b.bot, "bob", "vote R-1 go");
    // A's next sweep, a second on, finds the card out of date with nobody holding it.
    a.clock.advance(1_000);
    await chat.until(() => chat.goShown() === 1);
    expect(chat.edits.map((e) => e.by)).toEqual(["A"]);
    b.stopped = true; // its mark never ends: nothing to wait for
  });

  it("an instance that stops lets go of its leases and another carries on at once, without waiting for them to end", async () => {
    const { a, b, chat, say } = await twoInstances();
    const release = chat.hold("A");
    await say(a.bot, "alice", "vote R-1 go");
    await chat.until(() => chat.entered.A === 1);
    await say(b.bot, "bob", "vote R-1 go");
    await b.bot.idle();
    const stopping = a.bot.stop();
    release();
    await stopping;
    a.stopped = true;
    // B's clock has not moved: no lease ended, the hand-over came from A's goodbye (NOTIFY, then B's sweep).
    await chat.until(() => chat.goShown() === 2);
    expect(chat.edits.map((e) => [e.by, e.card.tally.go])).toEqual([
      ["A", 1],
      ["B", 2],
    ]);
  });

  it("a card waiting its turn in the workspace's edit budget keeps its lease meanwhile: no other instance takes it, and it is edited once, on time", async () => {
    // One edit every 10 s, so the second card waits twice as long as a lease lasts.
    const { a, b, chat, say, takes } = await twoInstances({ clocksStandStill: true, editBudget: { perMinute: 6, burst: 1 } });
    await say(a.bot, "alice", "create web 2.0.0");
    await a.bot.idle();
    await say(a.bot, "alice", "vote R-1 go");
    await say(a.bot, "alice", "vote R-2 go");
    // A holds both leases; a second after the posts, one card takes the budget's only slot, the other waits for the next.
    a.clock.advance(1_000);
    await chat.until(() => chat.edits.length === 1);
    const firstAt = chat.edits[0]!.at;
    b.clock.set(a.clock.now());
    for (let step = 0; step < 4; step++) {
      const taken = takes.A ?? 0;
      a.clock.advance(2_500);
      await chat.until(() => (takes.A ?? 0) > taken);
      // B's sweep looks for cards whose lease ended, by a clock that keeps up with A's.
      b.clock.advance(2_500);
      await b.bot.idle();
    }
    await chat.until(() => chat.edits.length === 2);
    expect(chat.edits.map((e) => [e.by, e.card.releaseId])).toEqual([
      ["A", chat.edits[0]!.card.releaseId],
      ["A", chat.edits[0]!.card.releaseId === "R-1" ? "R-2" : "R-1"],
    ]);
    expect(chat.edits[1]!.at - firstAt).toBe(10_000);
  });

  it("a burst of votes on one instance marks the card out of date a few times, not once per vote, and the card ends on the true tally", async () => {
    const { b, chat, say, marks } = await twoInstances({ clocksStandStill: true });
    await say(b.bot, "voter0", "vote R-1 go");
    await chat.until(() => marks.B === 1);
    for (let i = 1; i < 10; i++) await say(b.bot, `voter${i}`, "vote R-1 go");
    // The first vote marked the card at once; the other nine came within the spacing and wait for one more mark.
    expect(marks.B).toBe(1);
    b.clock.advance(MARK_SPACING_MS);
    await chat.until(() => marks.B === 2);
    // From here B's clock runs: its edits, a second apart, settle the card on every vote, with no further mark.
    b.clock.fastForward();
    await chat.until(() => chat.goShown() === 10);
    await b.bot.idle();
    expect(marks.B).toBe(2);
    expect(new Set(chat.edits.map((e) => e.by))).toEqual(new Set(["B"]));
  });

  it("the first edit after A posted the card waits a second from the post, even when B makes it", async () => {
    const { a, b, chat, say } = await twoInstances({ clocksStandStill: true });
    const postedAt = a.clock.now();
    // B's vote, at the moment of the post: B takes the card's lease with its mark and edits it.
    await say(b.bot, "bob", "vote R-1 go");
    b.clock.fastForward();
    await chat.until(() => chat.goShown() === 1);
    expect(chat.edits.map((e) => e.by)).toEqual(["B"]);
    expect(chat.edits[0]!.at - postedAt).toBeGreaterThanOrEqual(1_000);
  });

  it("a vote taken by B while A is still posting the card shows on it once the post is done", async () => {
    const { b, chat, say, releasePosts } = await twoInstances({ holdPostsOnA: true });
    await chat.until(() => chat.posting.A === 1);
    await say(b.bot, "bob", "vote R-1 go");
    // B committed while no copy of the card was recorded yet: it had none to mark.
    await b.bot.idle();
    releasePosts();
    await chat.until(() => chat.goShown() === 1);
  });
});

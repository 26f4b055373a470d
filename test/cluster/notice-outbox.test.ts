import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type PostgresHandle } from "../../db/postgres/client.js";
import { startPgCluster, type PgCluster } from "../../db/postgres/notify.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { createBot } from "../../src/app/bot.js";
import type { Bot } from "../../src/app/bot-api.js";
import { NOTICE_LEASE_MS, NOTICE_SWEEP_MS } from "../../src/app/notice-outbox.js";
import type { ChatSurface, Logger } from "../../src/app/ports.js";
import type { Store } from "../../src/app/store.js";
import { createConditions } from "../helpers/condition.js";
import { channel, createFakeTime, defaultCoreConfig, person, T0, type FakeTime } from "../helpers/core.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";

const silent: Logger = { info() {}, warn() {}, error() {} };

describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "the outbox across instances" : `the outbox across instances ${SKIP_WITHOUT_POSTGRES}`, () => {
  let databases: TestDatabases;
  const open: Array<{ bot: Bot; cluster: PgCluster; handle: PostgresHandle; stopped: boolean }> = [];
  beforeAll(() => {
    databases = createTestDatabases(TEST_DATABASE_URL!);
  });
  afterAll(() => databases.dropAll(), 60_000);
  afterEach(async () => {
    for (const i of open.splice(0)) {
      if (!i.stopped) await i.bot.stop();
      await i.cluster.close();
      await i.handle.close();
    }
  });

  /** An instance named `name` on the database at `url`, on a fake clock of its own, showing what it posts on `surface`. */
  async function start(url: string, name: string, surface: ChatSurface) {
    const handle = await openPostgres(url, { max: 4 });
    const cluster = await startPgCluster({ pool: handle.pool, listenUrl: url, instanceId: name, log: silent });
    const clock: FakeTime = createFakeTime(T0);
    clock.fastForward();
    const store: Store = createPostgresStore(handle);
    const bot = createBot({ store, config: defaultCoreConfig, clock, timer: clock.timer, log: silent, cluster });
    bot.attachSurface(surface);
    await bot.start();
    const instance = { bot, cluster, handle, stopped: false, clock, store };
    open.push(instance);
    return instance;
  }
  /** Moves the instances' clocks one sweep on, and lets their sweeps finish; `busy`'s clock moves too (its work is not waited for). */
  async function sweepOn(instances: Array<{ clock: FakeTime; bot: Bot }>, busy?: { clock: FakeTime }): Promise<void> {
    busy?.clock.advance(NOTICE_SWEEP_MS);
    for (const other of instances) other.clock.advance(NOTICE_SWEEP_MS);
    await Promise.all(instances.map((i) => i.bot.idle()));
  }
  const say = (on: Bot, text: string) => on.handle({ kind: "command", actor: person("alice"), channel, text });
  /** A chat platform that takes every call at once, but for the ones a test gives it (a post that hangs, as a dead instance's would). */
  function chatWith(calls: Partial<ChatSurface>): ChatSurface {
    let seq = 0;
    const quiet: ChatSurface = {
      platform: "terminal",
      minUpdateIntervalMs: 0,
      postCard: () => Promise.resolve({ messageId: `m${++seq}` }),
      updateCard: () => Promise.resolve(),
      postInChannel: () => Promise.resolve(),
      postNotice: () => Promise.resolve(),
    };
    return { ...quiet, ...calls };
  }

  it("a notice whose instance died while posting it is posted by exactly one other instance, once its lease ends", async () => {
    const url = await databases.fresh();
    const notices: Array<{ by: string; text: string }> = [];
    const entered: Record<string, number> = {};
    const conditions = createConditions();
    const surfaceFor = (by: string): ChatSurface => chatWith({
      async postNotice(_ref, notice) {
        entered[by] = (entered[by] ?? 0) + 1;
        conditions.changed();
        // A's chat call never ends, as a dead instance's would not.
        if (by === "A") await new Promise<void>(() => undefined);
        notices.push({ by, text: notice.text });
        conditions.changed();
      },
    });
    const [a, b, c] = [await start(url, "A", surfaceFor("A")), await start(url, "B", surfaceFor("B")), await start(url, "C", surfaceFor("C"))];
    await say(a.bot, "create payments 1.4.2");
    await a.bot.idle();
    await say(a.bot, "hold R-1 waiting for QA");
    await conditions.until(() => entered.A === 1);
    a.stopped = true;

    const sweep = () => sweepOn([b, c]);
    // While A's lease lasts, the others' sweeps leave the notice alone… (A's own clock may have
    // moved on a little before it wrote the row: the lease is read from the row, not assumed.)
    const [row] = await b.store.listOutbox();
    expect(row!.leaseUntil).toBeGreaterThanOrEqual(T0 + NOTICE_LEASE_MS);
    while (b.clock.now() + NOTICE_SWEEP_MS < row!.leaseUntil) await sweep();
    expect(notices).toEqual([]);
    // …once it has ended, both sweep at the same moment and one of them posts it.
    await sweep();
    await conditions.until(() => notices.length > 0);
    for (let i = 0; i < 3; i++) await sweep();
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain("R-1 is on hold");
    expect(["B", "C"]).toContain(notices[0]!.by);
    expect(await b.store.listOutbox()).toEqual([]);
  }, 30_000);

  it("a card whose instance died while posting it is posted by exactly one other instance, once its lease ends, and recorded for its edits", async () => {
    const url = await databases.fresh();
    const posts: Array<{ by: string; releaseId: string }> = [];
    const entered: Record<string, number> = {};
    const conditions = createConditions();
    let seq = 0;
    const surfaceFor = (by: string): ChatSurface => chatWith({
      async postCard(_channel, card) {
        entered[by] = (entered[by] ?? 0) + 1;
        conditions.changed();
        // A's chat call never ends, as a dead instance's would not.
        if (by === "A") await new Promise<void>(() => undefined);
        posts.push({ by, releaseId: card.releaseId });
        conditions.changed();
        return { messageId: String(++seq) };
      },
    });
    const [a, b, c] = [await start(url, "A", surfaceFor("A")), await start(url, "B", surfaceFor("B")), await start(url, "C", surfaceFor("C"))];
    await say(a.bot, "create payments 1.4.2");
    await conditions.until(() => entered.A === 1);
    a.stopped = true;

    const [row] = await b.store.listOutbox();
    expect(row!.item).toMatchObject({ kind: "card", releaseId: "R-1", channel });
    while (b.clock.now() + NOTICE_SWEEP_MS < row!.leaseUntil) await sweepOn([b, c]);
    expect(posts).toEqual([]);
    await sweepOn([b, c]);
    await conditions.until(() => posts.length > 0);
    for (let i = 0; i < 3; i++) await sweepOn([b, c]);
    expect(posts).toHaveLength(1);
    expect(["B", "C"]).toContain(posts[0]!.by);
    expect(await b.store.listOutbox()).toEqual([]);
    expect(await b.store.listMessageRefs("R-1")).toHaveLength(1);
  }, 30_000);

  it("a card post slower than its lease (a degraded chat API) stays its instance's: no other instance posts it a second time", async () => {
    const url = await databases.fresh();
    const posts: string[] = [];
    const conditions = createConditions();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    let seq = 0;
    const surfaceFor = (by: string): ChatSurface => chatWith({
      async postCard() {
        posts.push(`${by} started`);
        conditions.changed();
        if (by === "A") await slow;
        posts.push(`${by} posted`);
        return { messageId: String(++seq) };
      },
    });
    const [a, b, c] = [await start(url, "A", surfaceFor("A")), await start(url, "B", surfaceFor("B")), await start(url, "C", surfaceFor("C"))];
    await say(a.bot, "create payments 1.4.2");
    await conditions.until(() => posts.includes("A started"));
    // A minute of sweeps on every instance, four leases' worth, while A's post hangs.
    for (let i = 0; i < (4 * NOTICE_LEASE_MS) / NOTICE_SWEEP_MS; i++) await sweepOn([b, c], a);
    expect(posts).toEqual(["A started"]);
    release();
    await a.bot.idle();
    expect(posts).toEqual(["A started", "A posted"]);
    expect(await b.store.listOutbox()).toEqual([]);
  }, 30_000);
});

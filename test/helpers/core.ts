import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { createSqliteStore, type SqliteStoreOptions } from "../../db/store.js";
import { createBot } from "../../src/app/bot.js";
import type { Bot } from "../../src/app/bot-api.js";
import type { CoreConfig } from "../../src/app/context.js";
import type { Logger } from "../../src/app/ports.js";
import type { Store } from "../../src/app/store.js";
import { actorOf, type SubjectId } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import { admins, defaultCoreConfig } from "../../fakes/core-config.js";
import { createFakeTime, type FakeTime } from "./fake-time.js";

export { admins, defaultCoreConfig };
export { createFakeTime, type FakeTime } from "./fake-time.js";
/** The fake clock the tests move; its timer fires the core's waits as it moves. */
export type FakeClock = FakeTime;
export const createFakeClock = createFakeTime;

export interface TestCore {
  bot: Bot;
  store: Store;
  /** The core's clock and timer: `advance`/`set` move time and end the waits due by then. */
  clock: FakeTime;
  config: CoreConfig;
  db: DatabaseHandle;
  dbPath: string;
  logs: Array<{ level: string; obj: Record<string, unknown>; msg: string }>;
  /**
   * Waits until the bot has finished everything it started, moving the clock through the
   * waits on the way (card spacing, retry back-off) as each comes up: `bot.idle()` with time passing.
   */
  settle(): Promise<void>;
  /** Closes the bot and the database and deletes the temporary files. */
  close(): Promise<void>;
  /** Opens a second bot on the same file, as after a restart (with `config` changed, as after a corrected setting). */
  reopen(config?: Partial<CoreConfig>): Promise<TestCore>;
}

/** 2030-01-15 09:00 UTC: a Tuesday, far from any DST change. */
export const T0 = Date.UTC(2030, 0, 15, 9, 0);

export interface TestCoreOptions {
  now?: number;
  config?: Partial<CoreConfig>;
  dir?: string;
  fetch?: typeof fetch;
  /**
   * End card spacing and retry back-off as soon as the event loop has had a turn (see
   * FakeTime.fastForward): for tests that drive real adapters over sockets. Otherwise the
   * test moves time itself with `clock.advance`.
   */
  fastForward?: boolean;
  /** The store as the bot sees it: a test puts a pause or a fault around the real one. */
  wrapStore?: (store: Store) => Store;
  /** Options of the SQLite store (a test holding on to its votes' cache to see its size). */
  sqlite?: SqliteStoreOptions;
}

/** A real bot on a fresh SQLite file with a fake clock and timer. */
export function createTestCore(opts: TestCoreOptions = {}): TestCore {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "gonogo-test-"));
  const dbPath = join(dir, "gonogo.db");
  const clock = createFakeTime(opts.now ?? T0);
  if (opts.fastForward) clock.fastForward();
  const config = { ...defaultCoreConfig, ...opts.config };
  const wrapStore = opts.wrapStore ?? ((store) => store);
  return build(dir, dbPath, clock, config, opts.fetch, opts.dir === undefined, (db) => wrapStore(createSqliteStore(db, opts.sqlite)));
}

function build(dir: string, dbPath: string, clock: FakeTime, config: CoreConfig, fetchFn: typeof fetch | undefined, ownsDir: boolean, storeOn: (db: DatabaseHandle) => Store): TestCore {
  const db = openDatabase(dbPath);
  const store = storeOn(db);
  const logs: TestCore["logs"] = [];
  const log: Logger = {
    info: (obj, msg) => logs.push({ level: "info", obj, msg }),
    warn: (obj, msg) => logs.push({ level: "warn", obj, msg }),
    error: (obj, msg) => logs.push({ level: "error", obj, msg }),
  };
  const bot = createBot({ store, config, clock, timer: clock.timer, log, fetch: fetchFn });
  const settle = async () => {
    const fastForward = clock.fastForwarding();
    clock.fastForward();
    await bot.idle();
    if (!fastForward) clock.fastForward(false);
  };
  /** Stops the bot after letting it finish what it started: a card waiting out its spacing gets its edit. */
  const stopBot = async () => {
    await settle();
    await bot.stop();
  };
  const core: TestCore = {
    bot,
    store,
    clock,
    config,
    db,
    dbPath,
    logs,
    async close() {
      await stopBot();
      db.close();
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
    },
    settle,
    async reopen(changed = {}) {
      await stopBot();
      db.close();
      return build(dir, dbPath, clock, { ...config, ...changed }, fetchFn, ownsDir, storeOn);
    },
  };
  return core;
}

/**
 * Makes two accounts one person, as `/release link` does (the code exchange is tested in
 * identity-links.test.ts): each then vouches that the person belongs to the other's workspace too.
 */
export async function linkAccounts(core: Pick<TestCore, "store" | "clock">, one: Actor, other: Actor): Promise<void> {
  if ((await core.store.linkedAccounts(one.id)).some((a) => a.account === other.id)) return;
  await core.store.linkAccounts({ account: one.id, name: one.name }, { account: other.id, name: other.name }, core.clock.now());
}

/** A terminal-platform person, for core tests. */
export function person(name: string, groups: SubjectId[] = []): Actor {
  return actorOf({ kind: "person", platform: "terminal", scope: null, user: name }, name, groups);
}

export const channel: ChannelRef = { platform: "terminal", key: "terminal:local:#releases", nativeId: "#releases" };

/**
 * `say`: a terminal command from `who` in the test channel; `advance`: moves the fake clock and runs
 * what fell due, as the job runner would. Both act on the core `current` gives now, so a test that
 * restarts gonogo (swapping its core) keeps using them.
 */
export function chatDriver(current: () => TestCore) {
  return {
    say: (who: string, text: string) => current().bot.handle({ kind: "command", actor: person(who), channel, text }),
    advance: async (ms: number): Promise<void> => {
      const core = current();
      core.clock.advance(ms);
      await core.bot.runDueJobs();
      await core.bot.idle();
    },
  };
}

/**
 * For test files whose every test starts a fresh core with a recording chat attached: `open()`
 * gives the core, what the channel was shown (`chat`) and chatDriver's `say` / `advance`; the core
 * is closed after each test.
 */
export function recordedChatPerTest(): (opts?: TestCoreOptions) => { core: TestCore; chat: ReturnType<typeof createRecordingSurface> } & ReturnType<typeof chatDriver> {
  let current: TestCore | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return (opts = {}) => {
    const core = createTestCore(opts);
    current = core;
    const chat = createRecordingSurface();
    core.bot.attachSurface(chat.surface);
    return { core, chat, ...chatDriver(() => core) };
  };
}

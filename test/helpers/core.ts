import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type DatabaseHandle } from "../../db/client.js";
import { createSqliteStore } from "../../db/store.js";
import { createBot } from "../../src/app/bot.js";
import type { Bot } from "../../src/app/bot-api.js";
import type { CoreConfig } from "../../src/app/context.js";
import type { Logger } from "../../src/app/ports.js";
import type { Store } from "../../src/app/store.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import { createFakeClock, defaultCoreConfig, type FakeClock } from "../../fakes/core-config.js";

export { createFakeClock, defaultCoreConfig, type FakeClock };

export interface TestCore {
  bot: Bot;
  store: Store;
  clock: FakeClock;
  config: CoreConfig;
  db: DatabaseHandle;
  dbPath: string;
  logs: Array<{ level: string; obj: Record<string, unknown>; msg: string }>;
  /** Closes the bot and the database and deletes the temporary files. */
  close(): Promise<void>;
  /** Opens a second bot on the same file, as after a restart. */
  reopen(): Promise<TestCore>;
}

/** 2030-01-15 09:00 UTC: a Tuesday, far from any DST change. */
export const T0 = Date.UTC(2030, 0, 15, 9, 0);

/** A real bot on a fresh SQLite file with a fake clock. */
export function createTestCore(opts: { now?: number; config?: Partial<CoreConfig>; dir?: string; fetch?: typeof fetch } = {}): TestCore {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "gonogo-test-"));
  const dbPath = join(dir, "gonogo.db");
  const clock = createFakeClock(opts.now ?? T0);
  const config = { ...defaultCoreConfig, ...opts.config };
  return build(dir, dbPath, clock, config, opts.fetch, opts.dir === undefined);
}

function build(dir: string, dbPath: string, clock: FakeClock, config: CoreConfig, fetchFn: typeof fetch | undefined, ownsDir: boolean): TestCore {
  const db = openDatabase(dbPath);
  const store = createSqliteStore(db);
  const logs: TestCore["logs"] = [];
  const log: Logger = {
    info: (obj, msg) => logs.push({ level: "info", obj, msg }),
    warn: (obj, msg) => logs.push({ level: "warn", obj, msg }),
    error: (obj, msg) => logs.push({ level: "error", obj, msg }),
  };
  const bot = createBot({ store, config, clock, log, fetch: fetchFn });
  const core: TestCore = {
    bot,
    store,
    clock,
    config,
    db,
    dbPath,
    logs,
    async close() {
      await bot.stop();
      db.close();
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
    },
    async reopen() {
      await bot.stop();
      db.close();
      return build(dir, dbPath, clock, config, fetchFn, ownsDir);
    },
  };
  return core;
}

/** A terminal-platform person, for core tests. */
export function person(name: string, groups: string[] = []): Actor {
  return { id: `terminal:${name}`, name, groups };
}

export const channel: ChannelRef = { platform: "terminal", key: "terminal:local:#releases", nativeId: "#releases" };

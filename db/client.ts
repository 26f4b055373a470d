import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { databaseOpenError, prepareDatabasePath } from "./database-path.js";
import { checkpointDue, createCheckpointer, inLull, type Checkpointer, WAL_HARD_LIMIT_BYTES } from "./checkpointer.js";
import * as schema from "./schema.js";

export type Db = BetterSQLite3Database<typeof schema>;

export interface DatabaseHandle {
  db: Db;
  sqlite: Database.Database;
  path: string;
  /** WAL checkpoints (off the event loop); undefined for `:memory:`. */
  checkpointer: Checkpointer | undefined;
  close(): void;
}

/** db/migrations, found from the source file (tsx, tests) or from the bundle in dist/ (npm start). */
function migrationsFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, "migrations"), resolve(here, "../db/migrations")];
  return candidates.find((dir) => existsSync(resolve(dir, "meta/_journal.json"))) ?? candidates[0]!;
}
const MIGRATIONS = migrationsFolder();

export interface DatabaseOptions {
  /** Called once in each lull after writing (a vote storm has passed), beside the WAL checkpoint. */
  onLull?: () => void;
}

/**
 * Opens (creating the folder if needed) the SQLite file with WAL, foreign keys and a
 * busy timeout, and applies pending migrations. `:memory:` works for tests.
 */
export function openDatabase(path: string, options: DatabaseOptions = {}): DatabaseHandle {
  prepareDatabasePath(path);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path, { timeout: 5000 });
    sqlite.pragma("journal_mode = WAL");
  } catch (err) {
    throw databaseOpenError(path, err);
  }
  // NORMAL in WAL mode is durable across process crashes (only an OS crash can lose the last commits).
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  // SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 WAL pages,
  // with an fsync: every ~250th vote paid for it. Checkpoint from a timer instead, on a
  // worker thread, in a lull after writing (db/checkpointer.ts).
  sqlite.pragma("wal_autocheckpoint = 0");
  // After a checkpoint the next commit restarts the WAL from the file's start. Cutting the
  // file back at that moment (a small journal_size_limit) cost that commit 5-10 ms, the
  // slowest vote of a storm; so the file keeps its size, and only a WAL past the hard limit is cut back.
  sqlite.pragma(`journal_size_limit = ${WAL_HARD_LIMIT_BYTES}`);
  const walPath = `${path}-wal`;
  const checkpointer = path === ":memory:" ? undefined : createCheckpointer(path, () => sqlite.pragma("wal_checkpoint(PASSIVE)"));
  const checkpoints = setInterval(() => {
    if (!sqlite.open || !checkpointer) return;
    const wal = statSync(walPath, { throwIfNoEntry: false });
    const now = Date.now();
    const state = wal && { walBytes: wal.size, writtenSinceCheckpoint: wal.mtimeMs > checkpointer.settledUntilMs, msSinceWrite: now - wal.mtimeMs };
    if (state && checkpointDue(state)) {
      checkpointer.run();
      if (inLull(state)) options.onLull?.();
    }
  }, 1000);
  checkpoints.unref();
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS });
  return {
    db,
    sqlite,
    path,
    checkpointer,
    close() {
      clearInterval(checkpoints);
      checkpointer?.stop();
      if (sqlite.open) {
        sqlite.pragma("wal_checkpoint(TRUNCATE)");
        sqlite.close();
      }
    },
  };
}

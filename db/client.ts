import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { databaseOpenError, prepareDatabasePath } from "./database-path.js";
import * as records from "./schema.js";
import * as work from "./work-schema.js";

/** Every table, for drizzle: what gonogo records and the tables that carry its work. */
export const tables = { ...records, ...work };

export type Db = BetterSQLite3Database<typeof tables>;

export interface DatabaseHandle {
  db: Db;
  sqlite: Database.Database;
  path: string;
  /** How many migrations this open applied (an upgrade, or a new file). */
  migrated: number;
  close(): void;
}

/** db/migrations, found from the source file (tsx, tests) or from the bundle in dist/ (npm start). */
function migrationsFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, "migrations"), resolve(here, "../db/migrations")];
  return candidates.find((dir) => existsSync(resolve(dir, "meta/_journal.json"))) ?? candidates[0]!;
}
const MIGRATIONS = migrationsFolder();

/**
 * How many of this version's migrations the database at `sqlite` has not had: 0 when it is up to
 * date. A file an older gonogo last ran cannot be read as this version's schema (db:copy).
 */
export function migrationsBehind(sqlite: Database.Database): number {
  const journal = JSON.parse(readFileSync(resolve(MIGRATIONS, "meta/_journal.json"), "utf8")) as { entries: unknown[] };
  const tracked = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  const applied = tracked ? (sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n : 0;
  return Math.max(0, journal.entries.length - applied);
}

/**
 * Opens (creating the folder if needed) the SQLite file with WAL, foreign keys and a
 * busy timeout, and applies pending migrations. `:memory:` works for tests.
 */
export function openDatabase(path: string): DatabaseHandle {
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
  // WAL checkpoints are SQLite's own, inside the commit that crosses the threshold: that
  // commit copies the WAL into the file and fsyncs twice (2-13 ms on the disks measured),
  // and every press waits behind it. A vote writes about 4.4 pages, so SQLite's default of
  // 1,000 pages stalled the event loop every ~230 votes; 4,000 makes it every ~900, and the
  // WAL file at most ~16 MB. A checkpoint worker waiting for a lull measured no better under
  // a load with no lulls (README, Performance).
  sqlite.pragma("wal_autocheckpoint = 4000");
  const db = drizzle(sqlite, { schema: tables });
  const migrated = migrationsBehind(sqlite);
  migrate(db, { migrationsFolder: MIGRATIONS });
  return {
    db,
    sqlite,
    path,
    migrated,
    close() {
      if (sqlite.open) {
        sqlite.pragma("wal_checkpoint(TRUNCATE)");
        sqlite.close();
      }
    },
  };
}

import Database from "better-sqlite3";
import { existsSync } from "node:fs";

/**
 * One gonogo process per SQLite file. The SQLite store keeps a release's votes and the audit
 * chain's tip in its process, so a second process writing the same file would decide on votes
 * it cannot see (a GO past a blocking NO-GO) and fork the audit chain. A process claims the
 * file for as long as it runs: an exclusive SQLite lock on a small file beside it
 * (`gonogo.db-lock`). The operating system lets the lock go when the process ends, however it
 * ends, so a crash leaves nothing to clean up. Backups, audit:verify and db:copy read the
 * database itself, so the claim does not hold them back.
 */

/** Another process holds the file; the message says what to do. */
export class SqliteFileInUse extends Error {
  override readonly name = "SqliteFileInUse";
}

export interface SqliteClaim {
  release(): void;
}

/** Where the claim of the database at `path` lives. */
function claimPath(path: string): string {
  return `${path}-lock`;
}

/** Claims the database at `path` for this process, or throws SqliteFileInUse naming it. `:memory:` is nobody else's. */
export function claimSqliteFile(path: string): SqliteClaim {
  if (path === ":memory:") return { release() {} };
  const lock = new Database(claimPath(path), { timeout: 0 });
  try {
    // Held from the first write until the connection closes; no journal file beside it.
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.pragma("journal_mode = MEMORY");
    lock.exec("BEGIN EXCLUSIVE; COMMIT;");
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code === "SQLITE_BUSY") throw new SqliteFileInUse(runningElsewhere(path));
    throw err;
  }
  return {
    release() {
      if (lock.open) lock.close();
    },
  };
}

/** Whether a gonogo process holds the database at `path` right now (db:copy must not copy from under it). */
export function isClaimed(path: string): boolean {
  // No lock file: no gonogo of this version has run on it.
  if (!existsSync(claimPath(path))) return false;
  try {
    claimSqliteFile(path).release();
    return false;
  } catch (err) {
    if (err instanceof SqliteFileInUse) return true;
    throw err;
  }
}

function runningElsewhere(path: string): string {
  return `another gonogo process is already running on ${path}. One SQLite file serves one gonogo process: stop the other one first (or give this one its own DATABASE_PATH). To run several instances on one database, use PostgreSQL (DATABASE_URL; see "Running more than one instance" in the README).`;
}

import { closeSync, mkdirSync, openSync, readSync, statfsSync, statSync, type Stats } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * Checks DATABASE_PATH before SQLite opens it, so a path that cannot hold the database
 * stops start-up at once with a sentence saying what is wrong, instead of SQLite's
 * "unable to open database file" or "disk I/O error".
 *
 * It also creates the missing folders itself, one level at a time. Node's
 * `mkdirSync(dir, { recursive: true })` spins forever when mkdir answers ENOENT although
 * the parent exists, which is what /proc does ("/proc/x/gonogo.db" hung start-up at 100%
 * CPU, and as the loop never yields, even SIGTERM was never handled).
 */

/** DATABASE_PATH cannot be used; the message names it, says why and what to do. */
export class DatabasePathError extends Error {
  override readonly name = "DatabasePathError";
}

/** SQLite's file header: every database file starts with these 16 bytes. */
const SQLITE_HEADER = "SQLite format 3\0";

/** Kernel filesystems (statfs f_type) that show the system's state and cannot hold a database. */
const KERNEL_FILESYSTEMS = new Map<number, string>([
  [0x9fa0, "/proc, the kernel's process filesystem"],
  [0x62656572, "/sys, the kernel's device filesystem"],
  [0x63677270, "the kernel's cgroup filesystem"],
  [0x64626720, "the kernel's debug filesystem"],
]);

const ADVICE = "set DATABASE_PATH to a file in a folder gonogo can write, such as ./data/gonogo.db";

/** Throws DatabasePathError unless `path` can hold the database; creates its missing folders. */
export function prepareDatabasePath(path: string): void {
  if (path === ":memory:") return;
  const file = resolve(path);
  const refuse = (what: string): never => {
    throw new DatabasePathError(`DATABASE_PATH ${path} ${what} — ${ADVICE}.`);
  };

  const existing = nearestExisting(file);
  const fs = kernelFilesystem(existing.path);
  if (fs) refuse(`is under ${fs}, which cannot hold a database`);

  if (existing.path === file) {
    if (existing.stats.isDirectory()) refuse("is a folder, not a file");
    if (!existing.stats.isFile()) refuse("is not a regular file (it is a device, pipe or socket)");
    const problem = notADatabase(file);
    if (problem) refuse(problem);
    return;
  }
  if (!existing.stats.isDirectory()) refuse(`cannot be created: ${existing.path} is a file, not a folder`);
  // Create the missing folders from the top down, each with a plain mkdir: a level that
  // cannot be made fails once, with its own error, instead of being retried forever.
  const missing: string[] = [];
  for (let dir = dirname(file); dir !== existing.path; dir = dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (err) {
      refuse(`cannot be created: the folder ${dir} cannot be made (${codeOf(err)})`);
    }
  }
}

/** Turns SQLite's own failure to open the file into the same kind of one-line message. */
export function databaseOpenError(path: string, err: unknown): DatabasePathError {
  const reason = err instanceof Error ? err.message : String(err);
  return new DatabasePathError(`DATABASE_PATH ${path} cannot be opened by SQLite (${reason}) — ${ADVICE}.`);
}

/** The path itself if it exists, else its closest existing ancestor. */
function nearestExisting(file: string): { path: string; stats: Stats } {
  for (let p = file; ; p = dirname(p)) {
    try {
      return { path: p, stats: statSync(p) };
    } catch (err) {
      // ENOTDIR: a file stands where a folder should be; the walk up finds it and says so.
      const code = codeOf(err);
      if (code !== "ENOENT" && code !== "ENOTDIR") throw new DatabasePathError(`DATABASE_PATH ${file} cannot be checked (${code} on ${p}) — ${ADVICE}.`);
    }
    if (dirname(p) === p) throw new DatabasePathError(`DATABASE_PATH ${file} has no existing folder above it — ${ADVICE}.`);
  }
}

function kernelFilesystem(path: string): string | undefined {
  try {
    return KERNEL_FILESYSTEMS.get(statfsSync(path).type);
  } catch {
    return undefined; // statfs unsupported here: SQLite's own error will say what is wrong
  }
}

/** Why an existing file is not an SQLite database, or undefined if it is one (or is empty: SQLite starts a new one there). */
function notADatabase(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r+");
  } catch (err) {
    return `cannot be opened for reading and writing (${codeOf(err)})`;
  }
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, head, 0, head.length, 0);
    if (read === 0) return undefined;
    return head.toString("latin1", 0, read) === SQLITE_HEADER ? undefined : "is not an SQLite database (some other file is there)";
  } finally {
    closeSync(fd);
  }
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

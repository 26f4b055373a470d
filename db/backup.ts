import Database from "better-sqlite3";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { runCli } from "../src/cli.js";

/**
 * `npm run db:backup -- <file>`: a consistent copy of the live database through SQLite's
 * online backup API, safe while gonogo runs.
 */
await runCli(
  {
    script: "db:backup",
    description: `Copies the gonogo database to <backup-file> with SQLite's online backup, safe while gonogo runs.
Reads DATABASE_PATH (default ./data/gonogo.db; .env is read too). Creates <backup-file>'s folder if needed; never overwrites a file.`,
    positionals: [{ name: "backup-file" }],
  },
  async ({ positionals: [target = ""] }) => {
    const source = process.env.DATABASE_PATH || "./data/gonogo.db";
    if (!existsSync(source) || !statSync(source).isFile()) throw new Error(`No database file at ${source}. Set DATABASE_PATH to the file gonogo uses.`);
    if (existsSync(target)) throw new Error(`${target} already exists; pick a new file name so no backup is overwritten.`);
    makeFoldersFor(target);
    const db = new Database(source, { readonly: true, timeout: 5000, fileMustExist: true });
    try {
      const { totalPages } = await db.backup(target);
      process.stdout.write(`Backed up ${source} to ${target} (${totalPages} pages).\n`);
    } catch (err) {
      // No half-written backup left behind to be mistaken for a good one.
      rmSync(target, { force: true });
      throw new Error(`Backing up ${source} to ${target} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    } finally {
      db.close();
    }
  },
);

/**
 * Creates the folders `target` goes in (`backups/` on a first backup), as start-up does for
 * DATABASE_PATH's: top down, one plain mkdir each, because `mkdirSync(dir, { recursive: true })`
 * spins forever where mkdir answers ENOENT under an existing parent (/proc; see db/database-path.ts).
 */
function makeFoldersFor(target: string): void {
  const missing: string[] = [];
  for (let dir = dirname(resolve(target)); !existsSync(dir); dir = dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new Error(`Cannot create the folder ${dir} for ${target} (${code}); pick a backup file in a folder you can write, such as backups/gonogo.db.`, { cause: err });
    }
  }
}

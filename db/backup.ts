import Database from "better-sqlite3";
import { existsSync, rmSync, statSync } from "node:fs";
import { runCli } from "../src/cli.js";

/**
 * `npm run db:backup -- <file>`: a consistent copy of the live database through SQLite's
 * online backup API, safe while gonogo runs.
 */
await runCli(
  {
    script: "db:backup",
    description: `Copies the gonogo database to <backup-file> with SQLite's online backup, safe while gonogo runs.
Reads DATABASE_PATH (default ./data/gonogo.db; .env is read too). Never overwrites a file.`,
    positionals: [{ name: "backup-file" }],
  },
  async ({ positionals: [target = ""] }) => {
    const source = process.env.DATABASE_PATH || "./data/gonogo.db";
    if (!existsSync(source) || !statSync(source).isFile()) throw new Error(`No database file at ${source}. Set DATABASE_PATH to the file gonogo uses.`);
    if (existsSync(target)) throw new Error(`${target} already exists; pick a new file name so no backup is overwritten.`);
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

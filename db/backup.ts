import Database from "better-sqlite3";
import { existsSync } from "node:fs";

/**
 * `npm run db:backup <file>`: a consistent copy of the live database through SQLite's
 * online backup API, safe while gonogo runs.
 */
async function main(): Promise<void> {
  const target = process.argv[2];
  const source = process.env.DATABASE_PATH ?? "./data/gonogo.db";
  if (!target) {
    process.stderr.write("Usage: npm run db:backup <backup-file>   (reads DATABASE_PATH, default ./data/gonogo.db)\n");
    process.exit(2);
  }
  if (!existsSync(source)) {
    process.stderr.write(`No database at ${source}. Set DATABASE_PATH to the file gonogo uses.\n`);
    process.exit(1);
  }
  if (existsSync(target)) {
    process.stderr.write(`${target} already exists; pick a new file name so no backup is overwritten.\n`);
    process.exit(1);
  }
  const db = new Database(source, { readonly: true, timeout: 5000 });
  const { totalPages } = await db.backup(target);
  db.close();
  process.stdout.write(`Backed up ${source} to ${target} (${totalPages} pages).\n`);
}

await main();

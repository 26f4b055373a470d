import Database from "better-sqlite3";
import { existsSync, statSync } from "node:fs";
import { runCli } from "../src/cli.js";
import { verifyChain, type ChainReport } from "./audit-chain.js";

/** The chain of the SQLite file at `path`, opened read-only (safe while gonogo runs). */
function verifySqlite(path: string): ChainReport {
  if (!existsSync(path) || !statSync(path).isFile()) throw new Error(`No database file at ${path}. Set DATABASE_PATH to the file gonogo uses (or DATABASE_URL for PostgreSQL).`);
  const db = new Database(path, { readonly: true, timeout: 5000, fileMustExist: true });
  try {
    return verifyChain(db);
  } finally {
    db.close();
  }
}

/**
 * The chain in the PostgreSQL database at `url`, read through the same store gonogo runs on
 * (pages of 5,000 events in id order). Opening it applies pending migrations under their
 * advisory lock, as any instance starting up would; it writes nothing else.
 */
async function verifyPostgres(url: string): Promise<ChainReport> {
  const [{ openPostgres }, { createPostgresStore }] = await Promise.all([import("./postgres/client.js"), import("./postgres/store.js")]);
  const handle = await openPostgres(url, { max: 1, applicationName: "gonogo-audit-verify" });
  try {
    return await createPostgresStore(handle).verifyAudit();
  } finally {
    await handle.close();
  }
}

/** `npm run audit:verify`: checks the audit trail's hash chain in DATABASE_URL or DATABASE_PATH. Exit 1 when broken. */
await runCli(
  {
    script: "audit:verify",
    description: `Walks the audit trail's hash chain and names the first broken link; exits 1 when it is broken.
Reads DATABASE_URL (PostgreSQL) when it is set, else DATABASE_PATH (default ./data/gonogo.db);
.env is read too. Safe while gonogo runs.`,
  },
  async () => {
    const url = process.env.DATABASE_URL?.trim();
    const report = url ? await verifyPostgres(url) : verifySqlite(process.env.DATABASE_PATH || "./data/gonogo.db");
    if (report.ok) {
      process.stdout.write(`Audit trail intact: ${report.count} events, every link verified.\n`);
      return 0;
    }
    const before = report.count - 1;
    process.stdout.write(`Audit trail BROKEN at event ${report.brokenAt}: ${report.problem}. ${before} ${before === 1 ? "event" : "events"} before it verified.\n`);
    return 1;
  },
);

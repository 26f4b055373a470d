import Database from "better-sqlite3";
import { existsSync, statSync } from "node:fs";
import { runCli, UsageError } from "../src/cli.js";
import { countOf } from "../src/domain/plural.js";
import { verifyChain, type ChainHead, type ChainReport } from "./audit-chain.js";

/** The chain of the SQLite file at `path`, opened read-only (safe while gonogo runs). */
function verifySqlite(path: string, recorded: ChainHead | undefined): ChainReport {
  if (!existsSync(path) || !statSync(path).isFile()) throw new Error(`No database file at ${path}. Set DATABASE_PATH to the file gonogo uses (or DATABASE_URL for PostgreSQL).`);
  const db = new Database(path, { readonly: true, timeout: 5000, fileMustExist: true });
  try {
    return verifyChain(db, recorded);
  } finally {
    db.close();
  }
}

/**
 * The chain in the PostgreSQL database at `url`, read through the same store gonogo runs on
 * (pages of 5,000 events in id order). Opening it applies pending migrations under their
 * advisory lock, as any instance starting up would; it writes nothing else.
 */
async function verifyPostgres(url: string, recorded: ChainHead | undefined): Promise<ChainReport> {
  const [{ openPostgres }, { createPostgresStore }] = await Promise.all([import("./postgres/client.js"), import("./postgres/store.js")]);
  const handle = await openPostgres(url, { max: 1, applicationName: "gonogo-audit-verify" });
  try {
    return await createPostgresStore(handle).verifyAudit(recorded);
  } finally {
    await handle.close();
  }
}

/** `--head 83:9f2c…` as typed: the id and hash a check printed earlier. */
function recordedHead(text: string | undefined): ChainHead | undefined {
  if (text === undefined) return undefined;
  const m = /^([0-9]{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  if (!m) throw new UsageError(`--head takes the "id:hash" an earlier check printed, e.g. --head 83:${"0".repeat(64)}`);
  return { id: Number(m[1]), hash: m[2]! };
}

/** `npm run audit:verify`: checks the audit trail's hash chain in DATABASE_URL or DATABASE_PATH. Exit 1 when broken. */
await runCli(
  {
    script: "audit:verify",
    description: `Walks the audit trail's hash chain and names the first broken link; exits 1 when it is broken.
Reads DATABASE_URL (PostgreSQL) when it is set, else DATABASE_PATH (default ./data/gonogo.db);
.env is read too. Safe while gonogo runs. The chain alone cannot show rows deleted from its
end, or a trail rewritten with its hashes computed again: keep the head it prints somewhere
gonogo cannot write, and pass it back with --head to check that too.`,
    options: { head: { type: "string", valueName: "id:hash", description: "a head printed by an earlier check: it must still be in the trail, unchanged" } },
  },
  async ({ values }) => {
    const recorded = recordedHead(values.head);
    const url = process.env.DATABASE_URL?.trim();
    const report = url ? await verifyPostgres(url, recorded) : verifySqlite(process.env.DATABASE_PATH || "./data/gonogo.db", recorded);
    if (report.ok) {
      const head = report.head ? ` Head: ${report.head.id}:${report.head.hash} (keep it outside gonogo; check it later with --head).` : "";
      process.stdout.write(`Audit trail intact: ${countOf(report.count, "event")}, every link verified${recorded ? `, ${recorded.id} still as recorded` : ""}.${head}\n`);
      return 0;
    }
    const before = report.count - 1;
    process.stdout.write(`Audit trail BROKEN at event ${report.brokenAt}: ${report.problem}. ${countOf(before, "event")} before it verified.\n`);
    return 1;
  },
);

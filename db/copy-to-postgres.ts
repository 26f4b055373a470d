import Database from "better-sqlite3";
import { getTableColumns, sql, type Table } from "drizzle-orm";
import { existsSync, statSync } from "node:fs";
import { verifyChain } from "./audit-chain.js";
import { migrationsBehind, tables as sqliteTables } from "./client.js";
import { openPostgres, pgTables } from "./postgres/client.js";
import { createPgStatements } from "./postgres/store.js";
import { BUMP_SHARED_ROWS } from "./postgres/shared-rows.js";
import { WRITER_LOCK } from "./postgres/transactions.js";
import { isClaimed } from "./sqlite-claim.js";

/** Every table, parents before children (foreign keys), each with its PostgreSQL twin. */
const TABLES: Array<[name: string, from: Table, to: Table]> = [
  ["releases", sqliteTables.releases, pgTables.releases],
  ["votes", sqliteTables.votes, pgTables.votes],
  ["release_criteria", sqliteTables.releaseCriteria, pgTables.releaseCriteria],
  ["message_refs", sqliteTables.messageRefs, pgTables.messageRefs],
  ["audit_events", sqliteTables.auditEvents, pgTables.auditEvents],
  ["policies", sqliteTables.policies, pgTables.policies],
  ["role_bindings", sqliteTables.roleBindings, pgTables.roleBindings],
  ["jobs", sqliteTables.jobs, pgTables.jobs],
  ["retro_answers", sqliteTables.retroAnswers, pgTables.retroAnswers],
  ["hook_receipts", sqliteTables.hookReceipts, pgTables.hookReceipts],
  ["event_claims", sqliteTables.eventClaims, pgTables.eventClaims],
  ["webhook_deliveries", sqliteTables.webhookDeliveries, pgTables.webhookDeliveries],
  ["freeze_windows", sqliteTables.freezeWindows, pgTables.freezeWindows],
  ["deploy_locks", sqliteTables.deployLocks, pgTables.deployLocks],
  ["deploy_queue", sqliteTables.deployQueue, pgTables.deployQueue],
  ["freeze_overrides", sqliteTables.freezeOverrides, pgTables.freezeOverrides],
  ["notice_outbox", sqliteTables.noticeOutbox, pgTables.noticeOutbox],
  ["closed_channels_told", sqliteTables.closedChannelsTold, pgTables.closedChannelsTold],
  ["identity_links", sqliteTables.identityLinks, pgTables.identityLinks],
  ["link_codes", sqliteTables.linkCodes, pgTables.linkCodes],
];

/** Identity columns whose next value must follow the copied ids. */
const IDENTITIES: Array<[table: string, column: string]> = [
  ["releases", "seq"],
  ["audit_events", "id"],
  ["jobs", "id"],
  ["retro_answers", "id"],
  ["webhook_deliveries", "id"],
  ["freeze_windows", "id"],
  ["notice_outbox", "id"],
];

const BATCH = 500;

export interface CopyReport {
  /** Rows copied per table. */
  rows: Record<string, number>;
  auditEvents: number;
  /** The target without its password. */
  where: string;
}

/**
 * Copies every table of the gonogo SQLite file at `fromPath` into the PostgreSQL database at
 * `toUrl` (migrated first), in one transaction: ids kept, identity sequences moved past
 * them, the audit chain head set and the whole chain verified before the commit. Refuses a
 * target that holds any row, and a source whose audit chain is already broken; a failure
 * anywhere leaves the target as it was. Stop gonogo first: writes made during the copy stay behind.
 */
export async function copySqliteToPostgres(fromPath: string, toUrl: string): Promise<CopyReport> {
  if (!existsSync(fromPath) || !statSync(fromPath).isFile()) throw new Error(`No SQLite database file at ${fromPath}: pass the file gonogo uses (its DATABASE_PATH) as --from.`);
  // What gonogo wrote after the copy would be lost, and two homes for the same releases would drift apart.
  if (isClaimed(fromPath)) throw new Error(`gonogo is running on ${fromPath}: stop it first, so nothing it writes after the copy is lost. Then copy, and start gonogo with DATABASE_URL set to the new database.`);
  const source = new Database(fromPath, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    // One read transaction: every table is read from the same moment.
    source.prepare("BEGIN").run();
    const behind = migrationsBehind(source);
    if (behind > 0) {
      throw new Error(`${fromPath} was last used by an older gonogo (${behind} migration${behind === 1 ? "" : "s"} behind this version); nothing was copied. Start this version on it once (it migrates at start: DATABASE_PATH=${fromPath} npm start), stop it, then copy.`);
    }
    const sourceChain = verifyChain(source);
    if (!sourceChain.ok) throw new Error(`The audit trail in ${fromPath} is already broken at event ${sourceChain.brokenAt} (${sourceChain.problem}); nothing was copied. \`DATABASE_PATH=${fromPath} npm run audit:verify\` shows where.`);

    const target = await openPostgres(toUrl, { max: 1, setting: "the --to URL" });
    try {
      const rows = await target.db.transaction(async (tx) => {
        // Waits for any gonogo transaction on the target, and keeps new ones out until the copy commits.
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${WRITER_LOCK})`);
        const filled = [];
        for (const [name] of TABLES) {
          const found = await tx.execute(sql`SELECT EXISTS (SELECT 1 FROM ${sql.identifier(name)}) AS filled`);
          if ((found.rows[0] as { filled: boolean }).filled) filled.push(name);
        }
        if (filled.length) throw new Error(`The PostgreSQL database at ${target.where} is not empty (${filled.join(", ")} hold rows); nothing was copied. Copy into a new, empty database.`);

        const copied: Record<string, number> = {};
        for (const [name, from, to] of TABLES) {
          const propOf = new Map(Object.entries(getTableColumns(from)).map(([prop, column]) => [column.name, prop]));
          let batch: Array<Record<string, unknown>> = [];
          copied[name] = 0;
          for (const raw of source.prepare(`SELECT * FROM "${name}"`).iterate() as IterableIterator<Record<string, unknown>>) {
            batch.push(Object.fromEntries(Object.entries(raw).map(([column, value]) => [propOf.get(column) ?? column, value])));
            if (batch.length === BATCH) {
              await tx.insert(to).values(batch);
              copied[name] += batch.length;
              batch = [];
            }
          }
          if (batch.length) await tx.insert(to).values(batch);
          copied[name] += batch.length;
        }
        for (const [table, column] of IDENTITIES) {
          await tx.execute(sql`SELECT setval(pg_get_serial_sequence(${table}, ${column}), (SELECT coalesce(max(${sql.identifier(column)}), 0) + 1 FROM ${sql.identifier(table)}), false)`);
        }
        await tx.execute(sql`UPDATE audit_chain_head SET hash = coalesce((SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1), 'genesis')`);
        // An instance already running on the target reads the copied releases, policies and roles afresh.
        await tx.execute(sql.raw(BUMP_SHARED_ROWS));

        const chain = await createPgStatements(tx).verifyAudit();
        if (!chain.ok || chain.count !== sourceChain.count) {
          throw new Error(`The copied audit trail does not verify (${chain.ok ? `${chain.count} events instead of ${sourceChain.count}` : chain.problem}); nothing was copied.`);
        }
        return copied;
      });
      return { rows, auditEvents: sourceChain.count, where: target.where };
    } finally {
      await target.close();
    }
  } finally {
    source.close();
  }
}

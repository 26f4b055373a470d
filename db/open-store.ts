import type { Pool, QueryConfig } from "pg";
import type { Logger } from "../src/app/ports.js";
import type { Store } from "../src/app/store.js";
import type { PgCluster } from "./postgres/notify.js";
import { openDatabase, type DatabaseHandle } from "./client.js";
import { prepareDatabasePath } from "./database-path.js";
import { claimSqliteFile } from "./sqlite-claim.js";
import { createSqliteStore } from "./store.js";

/** How long a readiness check waits for PostgreSQL to answer. */
const REACHABLE_WITHIN_MS = 2_000;

export interface OpenedStore {
  store: Store;
  /** Where the data lives, for log lines: the SQLite file, or the PostgreSQL server without its password. */
  where: string;
  dialect: "sqlite" | "postgres";
  /**
   * PostgreSQL only (null on SQLite, one process): starts the signals between instances
   * that share the database, LISTEN on `listenUrl` (null: polling only).
   */
  startCluster: ((options: { instanceId: string; listenUrl: string | null; log: Logger }) => Promise<PgCluster>) | null;
  /** How many migrations opening it applied: 0 when it was up to date (on PostgreSQL, or another instance migrated it first). */
  migrated: number;
  /** Whether the database is still open (liveness). */
  isOpen(): boolean;
  /**
   * Whether the database answers now (readiness): on PostgreSQL a `SELECT 1` within 2 s, so an
   * instance cut off from its database leaves the balancer instead of failing every press; on
   * SQLite, a local file, whether it is open.
   */
  reachable(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens the database the configuration names, migrated: PostgreSQL when `databaseUrl` is set
 * (any number of instances may share it), else the SQLite file at `databasePath`, claimed by this
 * process (db/sqlite-claim.ts: one process per file).
 * The PostgreSQL driver is loaded only when it is used.
 */
export async function openStore(config: { databaseUrl: string | undefined; databasePath: string }, instanceId?: string, tuning: { reachableWithinMs?: number } = {}): Promise<OpenedStore> {
  if (config.databaseUrl) {
    const [{ openPostgres }, { createPostgresStore }] = await Promise.all([import("./postgres/client.js"), import("./postgres/store.js")]);
    const handle = await openPostgres(config.databaseUrl, instanceId ? { applicationName: `gonogo-${instanceId}` } : {});
    let open = true;
    let probe: Promise<boolean> | null = null;
    return {
      store: createPostgresStore(handle),
      where: handle.where,
      dialect: "postgres",
      migrated: handle.migrated,
      async startCluster(options) {
        const { startPgCluster } = await import("./postgres/notify.js");
        return startPgCluster({ pool: handle.pool, ...options });
      },
      isOpen: () => open,
      reachable() {
        if (!open) return Promise.resolve(false);
        // One probe at a time, however often /readyz is asked: behind a network that drops packets,
        // probes that each waited for a connection would take the whole pool from the votes.
        probe ??= answersWithin(handle.pool, tuning.reachableWithinMs ?? REACHABLE_WITHIN_MS).finally(() => (probe = null));
        return probe;
      },
      async close() {
        if (!open) return;
        open = false;
        await handle.close();
      },
    };
  }
  // Claimed before anything is migrated or read: a second process must not touch the file at all.
  prepareDatabasePath(config.databasePath);
  const claim = claimSqliteFile(config.databasePath);
  let handle: DatabaseHandle;
  try {
    handle = openDatabase(config.databasePath);
  } catch (err) {
    claim.release();
    throw err;
  }
  return {
    store: createSqliteStore(handle),
    where: handle.path,
    dialect: "sqlite",
    migrated: handle.migrated,
    startCluster: null,
    isOpen: () => handle.sqlite.open,
    reachable: () => Promise.resolve(handle.sqlite.open),
    close: () => {
      handle.close();
      claim.release();
      return Promise.resolve();
    },
  };
}

/**
 * Whether PostgreSQL answers `SELECT 1` within `ms`. The query carries its own timeout, so a
 * connection that hangs is closed by the driver (the pool drops a client whose query failed)
 * instead of being kept, waiting, after the answer "no" was given.
 */
async function answersWithin(pool: Pool, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    // node-postgres reads query_timeout from a query's config too; its types know it only on the client's.
    const select1 = { text: "SELECT 1", query_timeout: ms } as QueryConfig;
    return await Promise.race([pool.query(select1).then(() => true, () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}


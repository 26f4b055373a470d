import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { cutConnection } from "./session-lost.js";
import * as records from "./schema.js";
import * as work from "./work-schema.js";

/** Every table, for drizzle: what gonogo records and the tables that carry its work. */
export const pgTables = { ...records, ...work };
export type PgTables = typeof pgTables;

export type PgDb = NodePgDatabase<PgTables>;

export interface PostgresHandle {
  db: PgDb;
  pool: pg.Pool;
  /** The server's address without credentials, for log lines. */
  where: string;
  /** How many migrations opening it applied: 0 when it was up to date, or another instance migrated it first. */
  migrated: number;
  close(): Promise<void>;
}

/** db/postgres/migrations, found from the source file (tsx, tests) or from the bundle in dist/ (npm start). */
function migrationsFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, "migrations"), resolve(here, "../db/postgres/migrations"), resolve(here, "postgres/migrations")];
  return candidates.find((dir) => existsSync(resolve(dir, "meta/_journal.json"))) ?? candidates[0]!;
}
const MIGRATIONS = migrationsFolder();

/** The advisory lock key every gonogo instance takes around its start-up migrations ("gonom" in ASCII). */
const MIGRATION_LOCK = 0x676f6e6f6d;

/** The URL with its password removed: safe to log or to show in an error. */
export function redactUrl(url: string): string {
  try {
    // Only the parts that say where: no password, and no query string (it may carry one too).
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ""}${u.host}${u.pathname}`;
  } catch {
    return "(an unreadable DATABASE_URL)";
  }
}

/**
 * Applies pending migrations while holding a session advisory lock on one dedicated
 * connection, so instances starting together migrate one after another: the first one
 * migrates, the others find nothing left to do. The lock ends with the connection if
 * this process dies half-way (the migration itself is one transaction).
 */
async function migratePostgres(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      const before = await appliedMigrations(client);
      await migrate(drizzle(client, { schema: pgTables }), { migrationsFolder: MIGRATIONS });
      return (await appliedMigrations(client)) - before;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } catch (err) {
    broken = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    // A connection whose unlock may not have run is closed rather than returned to the pool.
    client.release(broken);
  }
}

/**
 * How long a query sent straight through the pool (a job claim, a card lease, a NOTIFY: one
 * statement each, outside any transaction) may wait for its answer.
 */
const PLAIN_QUERY_MS = 10_000;

/**
 * Gives every query sent straight through the pool a time limit. After a failover whose old
 * primary went silent (no reset), such a query would wait for TCP to give up, about 15 minutes,
 * and the job runner with it: no reminder or T-0 on this instance meanwhile. Timed out, it fails,
 * the pool drops its connection, and the next pass takes a new one. Transactions and snapshots
 * check out their own connection and keep their own rules (transactions.ts).
 */
function boundPlainQueries(pool: pg.Pool, ms: number): void {
  // When each connection opened: one that timed out went to a server that may be gone, and so did every one opened before it.
  const opened = new Map<pg.PoolClient, number>();
  pool.on("connect", (client) => opened.set(client, Date.now()));
  pool.on("remove", (client) => opened.delete(client));
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const bounded = (first: unknown, ...rest: unknown[]) => {
    const sentAt = Date.now();
    const plain = first !== null && typeof first === "object" && Object.getPrototypeOf(first) === Object.prototype && !("query_timeout" in first);
    const result = query(typeof first === "string" ? { text: first, query_timeout: ms } : plain ? { ...first, query_timeout: ms } : first, ...rest);
    // The pool would hand out the other silent connections one by one, each waiting this long again: they are closed now.
    if (result instanceof Promise)
      result.catch((err: unknown) => {
        if (!(err instanceof Error && err.message === "Query read timeout")) return;
        for (const [client, at] of opened) if (at <= sentAt) cutConnection(client);
      });
    return result;
  };
  (pool as unknown as { query: typeof bounded }).query = bounded;
}

/** How many migrations the database's journal records (none before the first). */
async function appliedMigrations(client: pg.PoolClient): Promise<number> {
  const journal = await client.query<{ name: string | null }>("SELECT to_regclass('drizzle.__drizzle_migrations')::text AS name");
  if (!journal.rows[0]?.name) return 0;
  const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
  return rows[0]?.n ?? 0;
}

/** What a role refused a write (42501) or a read-only session (25006) needs to run gonogo's migrations. */
function privilegeHint(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === "42501") return " — the role needs CREATE on the database (gonogo makes its tables in public and a `drizzle` schema for the migration journal) or a database it owns";
  if (code === "25006") return " — the connection is read-only (a replica, or default_transaction_read_only): point it at the primary";
  return "";
}

/**
 * Connects to PostgreSQL (13 or newer, no extensions) at `url` and applies pending
 * migrations. Tables live in the `public` schema (drizzle-kit writes it into the
 * generated foreign keys). Fails with a sentence naming the server when it does not answer.
 */
export async function openPostgres(url: string, options: { max?: number; applicationName?: string; setting?: string } = {}): Promise<PostgresHandle> {
  const where = redactUrl(url);
  // application_name shows which instance holds a connection (pg_stat_activity), with several sharing the database.
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, keepAlive: true, ...(options.applicationName ? { application_name: options.applicationName.slice(0, 63) } : {}) });
  // A connection that breaks while idle (a server restart, a failover) is dropped by the
  // pool and the next query opens a new one; without a listener the process would exit.
  pool.on("error", () => {});
  // The pool listens only to its idle connections. One checked out (a transaction, a snapshot)
  // whose session is ended (pg_terminate_backend, a failover) emits "error" with no listener,
  // which ends the process; its query in flight fails anyway, and that failure is handled.
  pool.on("connect", (client) => client.on("error", () => {}));
  boundPlainQueries(pool, PLAIN_QUERY_MS);
  let migrated: number;
  try {
    migrated = await migratePostgres(pool);
  } catch (err) {
    await pool.end();
    // The driver's error says why; drizzle's wrapper only which statement ("Failed query: CREATE SCHEMA …").
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    const reason = (cause instanceof Error ? cause.message : String(cause)) + privilegeHint(cause);
    // Named as the person gave it: DATABASE_URL for gonogo, `--to` for db:copy.
    const setting = options.setting ?? "DATABASE_URL";
    const probe = setting === "DATABASE_URL" ? `psql "$DATABASE_URL" -c 'select 1'` : `psql "<${setting}>" -c 'select 1'`;
    throw new Error(`Cannot open the PostgreSQL database at ${where}: ${reason}. Check ${setting} and that the server answers (${probe}).`, { cause: err });
  }
  return {
    db: drizzle(pool, { schema: pgTables }),
    pool,
    where,
    migrated,
    close: () => pool.end(),
  };
}

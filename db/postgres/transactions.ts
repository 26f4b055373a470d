import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { EventClaimedBefore, type EventClaim, type Store } from "../../src/app/store.js";
import { transactionHandles } from "../transaction-handle.js";
import { atVersion, forget, keepRecent, type SharedRows } from "./shared-rows.js";
import { newTxState, publishVotes, type TxState, type VoteCache } from "./vote-cache.js";
import { cutConnection, SessionLost, sessionLost } from "./session-lost.js";
import type { Queryable, Statements } from "./store.js";

/**
 * The advisory lock every write transaction takes first ("gonow" in ASCII): transactions run one
 * after another across every instance, as they do on SQLite, so a use case's
 * read-then-write never loses an update to an instance deciding at the same moment.
 */
export const WRITER_LOCK = 0x676f6e6f77;

/**
 * BEGIN, the writer lock, the audit chain head's row lock and the shared rows' version in one
 * round trip (the simple query protocol takes several statements at once). Write transactions
 * run one at a time anyway, so locking the head from the start costs no concurrency; it spares
 * a round trip at the end, and an append outside a transaction waits for this one to commit.
 */
const BEGIN_LOCKED = `BEGIN; SELECT pg_advisory_xact_lock(${WRITER_LOCK}); SELECT hash FROM audit_chain_head WHERE id = 1 FOR UPDATE; SELECT version FROM shared_rows_version WHERE id = 1`;

export const NO_HEAD = "audit_chain_head or shared_rows_version has no row: the PostgreSQL migrations did not finish; restart gonogo to apply them";

/**
 * The most use cases one database transaction carries. More waiting go in the next one; a
 * bigger batch holds the writer lock longer, a smaller one pays BEGIN, the lock and COMMIT
 * more often.
 */
const MAX_BATCH = 32;

/**
 * How long a write transaction may wait for the server before its COMMIT: far past a busy
 * cluster's wait for the writer lock (milliseconds), well short of TCP's own give-up.
 */
const TX_STALL_MS = 10_000;

/** A connection of its own with the pool's settings, closed when released. */
async function connectFresh(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = new pg.Client(pool.options);
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  return Object.assign(client, { release: () => void client.end().catch(() => {}) });
}

/** Store methods that only read: any other call is a write (a claim only when it claimed). */
const READS = /^(get|list|find|count|current|verify|nextJobDueAt$)/;

interface Waiting {
  fn: (tx: Store) => Promise<unknown>;
  /** Claimed with BEGIN, for the whole batch at once; a claim made before refuses this one. */
  claim?: EventClaim;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  /** Runs in a transaction of its own: its batch failed where no one use case was to blame. */
  alone?: boolean;
  /** Already run again once after its session was lost: a second loss fails it (the database is away). */
  rerunAfterLoss?: boolean;
}

/** What one use case did to the open transaction: how it can be undone without undoing the others. */
interface Footprint {
  /** Event ids it claimed: undone by deleting those rows again. */
  claims: string[];
  /** Any other write: undone only by rolling the whole transaction back. */
  wrote: boolean;
  /** A statement failed: PostgreSQL refuses everything but ROLLBACK now. */
  failed: boolean;
}

/** A batch must be rolled back and its other use cases run again, without the one that failed. */
class RunAgain extends Error {
  constructor(readonly others: Waiting[]) {
    super("the batch is rolled back and run again");
  }
}

export interface PgTransactionDeps {
  pool: pg.Pool;
  cache: VoteCache;
  /** This instance's copies of the rows every press reads (shared-rows.ts). */
  shared: SharedRows;
  /** Reads sent with BEGIN, and how their results go into the new transaction's state (recent votes). */
  prefetch: () => { statements: string[]; apply(results: pg.QueryResult[], state: TxState): void };
  /** The Store's statements on one transaction's connection and state. */
  statementsOn: (connection: Queryable, state: TxState) => Statements;
  /** The statement that writes what the transaction kept back (votes, audit events), sent with COMMIT; "" for none. */
  finalStatement: (state: TxState) => string;
}

/**
 * `Store.transaction` on PostgreSQL, with group commit. A transaction takes the writer
 * lock, so across the cluster only one runs at a time, and the lock is held for every
 * round trip the use case makes: one use case per transaction would cap a storm at what
 * one instance can do between two round trips. So the use cases that arrive while one
 * transaction runs wait, and the next transaction runs them all, one after another (no
 * interleaving: each sees the ones before it), under one BEGIN, one lock and one COMMIT;
 * each is answered only after that COMMIT (commit-then-ack). The first round trip carries
 * BEGIN, the locks and every event claim of the batch; writes whose outcome is known (a
 * vote under the lock) go with COMMIT in the last one.
 *
 * One use case's failure must not undo the others. A failure before it wrote anything, or
 * after it only claimed event ids (those rows are deleted again), leaves the batch going.
 * A failure after any other write, or a failed statement, rolls the batch back; the failed
 * one is answered with its error and the others run again in the next batch. A failure
 * no one use case is to blame for (BEGIN, a kept-back write, COMMIT) runs each of them
 * again in a transaction of its own, so a bad write fails only its own. So a
 * transaction's callback may run more than once: it must act only through its `tx`, as
 * every use case does.
 */
export function createPgTransactions(deps: PgTransactionDeps): Store["transaction"] {
  const { pool, cache, shared } = deps;
  const queue: Waiting[] = [];
  let running = false;

  /**
   * Up to MAX_BATCH waiting use cases in arrival order; one that must run alone goes by
   * itself. A second delivery of an event already in the batch waits for the next one: it
   * runs if the first rolled back, and finds the event claimed if the first committed.
   */
  function nextBatch(): Waiting[] {
    if (queue[0]!.alone) return [queue.shift()!];
    const batch: Waiting[] = [];
    const claimed = new Set<string>();
    for (let i = 0; i < queue.length && batch.length < MAX_BATCH; ) {
      const w = queue[i]!;
      if (w.alone) break;
      if (w.claim && claimed.has(w.claim.id)) {
        i++;
        continue;
      }
      if (w.claim) claimed.add(w.claim.id);
      batch.push(w);
      queue.splice(i, 1);
    }
    return batch;
  }

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length > 0) await runBatch(nextBatch());
    } finally {
      running = false;
    }
  }

  async function runBatch(batch: Waiting[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      // A batch run again after a lost session takes a new connection, not an idle one of the pool:
      // those were ended with it, and the pool may not have noticed yet.
      client = batch.some((w) => w.rerunAfterLoss) ? await connectFresh(pool) : await pool.connect();
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    let broken: Error | undefined;
    // A server that stopped answering (a failover whose old primary vanished) leaves a round trip
    // waiting for TCP to give up, about 15 minutes, with every later press queued behind it. Until
    // COMMIT is sent nothing is committed, so past TX_STALL_MS the connection is cut: the batch fails
    // as a lost session does and runs again on a fresh connection.
    const stall = setTimeout(() => cutConnection(client), TX_STALL_MS);
    const answered: Array<{ waiting: Waiting; result: unknown }> = [];
    const refused = new Set<Waiting>();
    const refuse = (waiting: Waiting, err: unknown) => {
      refused.add(waiting);
      waiting.reject(err);
    };
    try {
      const state = newTxState(shared);
      // BEGIN, the locks, the shared rows' version, every claim of the batch and the recent votes in one round trip.
      const claims = batch.flatMap((w) => (w.claim ? [`(${pg.escapeLiteral(w.claim.id)}, ${Number(w.claim.at)})`] : []));
      const claimStatement = claims.length > 0 ? [`INSERT INTO event_claims (id, at) VALUES ${claims.join(", ")} ON CONFLICT DO NOTHING RETURNING id`] : [];
      const prefetch = deps.prefetch();
      const began = (await client.query([BEGIN_LOCKED, ...claimStatement, ...prefetch.statements].join("; ")).catch((err: unknown) => {
        throw sessionLost(err) ? new SessionLost(err) : err;
      })) as unknown as pg.QueryResult[];
      const head = (began[2]?.rows[0] as { hash?: string } | undefined)?.hash;
      const version = (began[3]?.rows[0] as { version?: string | number } | undefined)?.version;
      if (head === undefined || version === undefined) throw new Error(NO_HEAD);
      state.head = head;
      atVersion(shared, Number(version));
      // Claimed now: an id missing from the answer was claimed before (each id is in the batch once).
      const fresh = new Set((claims.length > 0 ? began[4]!.rows : []).map((r) => (r as { id: string }).id));
      prefetch.apply(began.slice(4 + claimStatement.length), state);
      // No relational schema: the statements use the query builder only, and this runs per batch.
      const connection = drizzle(client) as unknown as Queryable;
      let footprint: Footprint = { claims: [], wrote: false, failed: false };
      const methods = Object.entries(traced(deps.statementsOn(connection, state), () => footprint)) as Array<[string, (...args: unknown[]) => Promise<unknown>]>;
      const openHandle = transactionHandles(methods);

      for (let i = 0; i < batch.length; i++) {
        const waiting = batch[i]!;
        footprint = { claims: [], wrote: false, failed: false };
        if (waiting.claim) {
          if (!fresh.delete(waiting.claim.id)) {
            refuse(waiting, new EventClaimedBefore(waiting.claim.id));
            continue;
          }
          footprint.claims.push(waiting.claim.id);
        }
        const { tx, end } = openHandle();
        try {
          answered.push({ waiting, result: await waiting.fn(tx) });
        } catch (err) {
          // Not this use case's fault: the whole batch runs again on another connection.
          if (sessionLost(err)) throw new SessionLost(err);
          if (footprint.failed || footprint.wrote) {
            refuse(waiting, err);
            throw new RunAgain([...answered.splice(0).map((a) => a.waiting), ...batch.slice(i + 1)]);
          }
          if (footprint.claims.length > 0) await client.query("DELETE FROM event_claims WHERE id = ANY($1)", [footprint.claims]);
          refuse(waiting, err);
        } finally {
          end();
        }
      }
      // What was kept back and COMMIT in one round trip: an error in the first skips the second.
      const final = deps.finalStatement(state);
      // From here a cut could leave the outcome unknown: the COMMIT round trip is left to run its course.
      clearTimeout(stall);
      await client.query(final ? `${final}; COMMIT` : "COMMIT");
      if (state.touchedShared) shared.version = Number(version) + 1;
      keepRecent(shared);
      publishVotes(cache, state);
      for (const { waiting, result } of answered) waiting.resolve(result);
    } catch (err) {
      // The copies may hold writes that were just undone.
      forget(shared);
      await client.query("ROLLBACK").catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      if (err instanceof RunAgain) queue.unshift(...err.others);
      else if (err instanceof SessionLost) {
        // Nothing of the batch was committed (COMMIT was never sent), so each runs again once, on a
        // fresh connection: a session ended under a vote or a T-0 costs a moment, not a refusal or a lease.
        const again = batch.filter((w) => !refused.has(w));
        for (const w of again.filter((w) => w.rerunAfterLoss)) w.reject(err.lost);
        queue.unshift(...again.filter((w) => !w.rerunAfterLoss).map((w) => ({ ...w, rerunAfterLoss: true })));
      } else if (batch.length === 1) batch[0]!.reject(err);
      // BEGIN, a kept-back write or COMMIT failed, which no one use case is to blame for: each runs
      // again in a transaction of its own, so a write that fails fails only its own use case.
      else queue.unshift(...batch.filter((w) => !refused.has(w)).map((w) => ({ ...w, alone: true })));
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: closed, not returned to the pool.
      clearTimeout(stall);
      client.release(broken);
    }
  }

  return <T>(fn: (tx: Store) => Promise<T>, claim?: EventClaim): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, ...(claim ? { claim } : {}), resolve: resolve as (value: unknown) => void, reject });
      if (!running) void drain();
    });
}

/** The statements as the batch's use cases see them: what a use case writes is noted in its footprint. */
function traced(statements: Statements, current: () => Footprint): Statements {
  const out = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const [name, run] of Object.entries(statements) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    const reads = READS.test(name);
    out[name] = async (...args: unknown[]) => {
      try {
        const result = await run(...args);
        if (name === "claimEvent") {
          if (result) current().claims.push(args[0] as string);
        } else if (!reads) current().wrote = true;
        return result;
      } catch (err) {
        current().failed = true;
        throw err;
      }
    };
  }
  return out as unknown as Statements;
}

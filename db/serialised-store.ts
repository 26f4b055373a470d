import type Database from "better-sqlite3";
import { EventClaimedBefore, type EventClaim, type Store } from "../src/app/store.js";
import { transactionHandles } from "./transaction-handle.js";

/** The Store's methods as better-sqlite3 runs them: synchronously, on one connection. */
export type SyncStore = {
  [K in Exclude<keyof Store, "transaction" | "readSnapshot">]: Store[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;
};

type Method = (...args: unknown[]) => unknown;


/**
 * Turns the synchronous SQLite statements into the asynchronous Store port.
 *
 * One connection means one transaction at a time: `transaction()` takes an in-process
 * lock, runs `BEGIN IMMEDIATE` (so a read-then-write never fails with
 * SQLITE_BUSY_SNAPSHOT), and hands the use case a `tx` whose calls run on the open
 * transaction. While it awaits, every other caller — another event's transaction, or a
 * single read such as a card render — waits for the lock, so nothing interleaves with
 * the open transaction or sees its uncommitted writes. `tx.transaction()` joins the open
 * transaction instead of waiting for itself.
 */
export function serialiseTransactions(sync: SyncStore, sqlite: Database.Database, onRollback: () => void): Omit<Store, "readSnapshot"> {
  const begin = sqlite.prepare("BEGIN IMMEDIATE");
  const commit = sqlite.prepare("COMMIT");
  const rollback = sqlite.prepare("ROLLBACK");

  // A FIFO lock without a promise when nobody holds it: the common case on the hot path.
  let held = false;
  const waiting: Array<() => void> = [];
  const acquire = (): Promise<void> | undefined => {
    if (!held) {
      held = true;
      return undefined;
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else held = false;
  };

  const names = Object.keys(sync) as Array<keyof SyncStore>;
  const runners = names.map((name) => [name, (sync[name] as Method).bind(sync)] as const);

  /** Each call on a transaction's handle runs at once on the open transaction; a throw becomes a rejection. */
  const promised = runners.map(
    ([name, run]) =>
      [
        name,
        (...args: unknown[]) => {
          try {
            return Promise.resolve(run(...args));
          } catch (err) {
            return Promise.reject(err instanceof Error ? err : new Error(String(err)));
          }
        },
      ] as const,
  );
  const openHandle = transactionHandles(promised);

  const top = {} as Record<string, unknown>;
  for (const [name, run] of runners) {
    top[name] = async (...args: unknown[]) => {
      const wait = acquire();
      if (wait) await wait;
      try {
        return run(...args);
      } finally {
        release();
      }
    };
  }
  top.transaction = async <T>(fn: (t: Store) => Promise<T>, claim?: EventClaim): Promise<T> => {
    const wait = acquire();
    if (wait) await wait;
    try {
      begin.run();
      const { tx, end } = openHandle();
      try {
        if (claim && !sync.claimEvent(claim.id, claim.at)) throw new EventClaimedBefore(claim.id);
        const result = await fn(tx);
        commit.run();
        return result;
      } catch (err) {
        if (sqlite.inTransaction) rollback.run();
        onRollback();
        throw err;
      } finally {
        end();
      }
    } finally {
      release();
    }
  };
  return top as unknown as Omit<Store, "readSnapshot">;
}

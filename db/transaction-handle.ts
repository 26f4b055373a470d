import { EventClaimedBefore, type Store } from "../src/app/store.js";

type Method = (...args: unknown[]) => Promise<unknown>;

const ended = (name: string) => new Error(`store.${name}: this transaction has already ended; use the store, or a new transaction`);

/**
 * Handles on open transactions, for either store: each is valid only while its transaction
 * is open, so a handle that leaks out of it (a callback that outlives it) is refused instead
 * of writing into whichever transaction happens to be open later. Its `transaction` joins
 * the open one, after the claim if one is given.
 *
 * The methods live on one prototype built here, once per set of methods, and a handle is a
 * single object with an `open` flag: every vote opens a transaction, and a fresh closure per
 * Store method (some 80) was 8 KB of garbage per press.
 */
export function transactionHandles(methods: Iterable<readonly [string, Method]>): () => { tx: Store; end: () => void } {
  class Handle {
    open = true;
  }
  const shared = Handle.prototype as unknown as Record<string, unknown>;
  for (const [name, run] of methods) {
    shared[name] = function (this: Handle, ...args: unknown[]) {
      return this.open ? run(...args) : Promise.reject(ended(name));
    };
  }
  shared.transaction = async function <T>(this: Handle & Store, fn: (t: Store) => Promise<T>, claim?: { id: string; at: number }): Promise<T> {
    if (!this.open) throw ended("transaction");
    if (claim && !(await this.claimEvent(claim.id, claim.at))) throw new EventClaimedBefore(claim.id);
    return fn(this);
  };
  // A snapshot reads beside the writer: inside a transaction it would not see the transaction's own writes.
  shared.readSnapshot = () => Promise.reject(new Error("store.readSnapshot runs outside a transaction: call it on the store once the transaction has ended"));
  return () => {
    const handle = new Handle();
    return {
      tx: handle as unknown as Store,
      end: () => {
        handle.open = false;
      },
    };
  };
}

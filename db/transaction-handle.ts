import { EventClaimedBefore, type Store } from "../src/app/store.js";

type Method = (...args: unknown[]) => Promise<unknown>;

const ended = (name: string) => new Error(`store.${name}: this transaction has already ended; use the store, or a new transaction`);

/**
 * A fresh handle on one open transaction, for either store: valid only while the transaction
 * is open, so a handle that leaks out of it (a callback that outlives it) is refused instead
 * of writing into whichever transaction happens to be open later. Its `transaction` joins
 * the open one, after the claim if one is given.
 */
export function openTransactionHandle(methods: Iterable<readonly [string, Method]>): { tx: Store; end: () => void } {
  let open = true;
  const handle = {} as Record<string, unknown>;
  for (const [name, run] of methods) handle[name] = (...args: unknown[]) => (open ? run(...args) : Promise.reject(ended(name)));
  const tx = handle as unknown as Store;
  handle.transaction = async <T>(fn: (t: Store) => Promise<T>, claim?: { id: string; at: number }): Promise<T> => {
    if (!open) throw ended("transaction");
    if (claim && !(await tx.claimEvent(claim.id, claim.at))) throw new EventClaimedBefore(claim.id);
    return fn(tx);
  };
  return { tx, end: () => (open = false) };
}

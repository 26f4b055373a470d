import type { Snapshot } from "../../src/app/snapshot.js";
import type { Store } from "../../src/app/store.js";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Which long read to pause: its method on a transaction's handle, and on a snapshot. */
export interface PausedRead {
  tx: "verifyAudit" | "listAuditRange";
  snapshot: "verifyAudit" | "auditPage";
}

/**
 * The real store with a pause where a long read (an audit export, a walk of the chain) starts:
 * in a snapshot, or inside a transaction. `paused` resolves when it is reached, `resume` lets it
 * go on, and `writerBusy` is told when a transaction is asked for while a paused read holds the
 * writer (it would wait for the whole read). For tests that a vote is answered meanwhile.
 */
export function pausingReads(inner: Store, which: PausedRead) {
  const paused = deferred();
  const resume = deferred();
  const writerBusy = deferred();
  let holdingWriter = false;
  const pause = async (inTransaction: boolean) => {
    holdingWriter = inTransaction;
    paused.resolve();
    await resume.promise;
    holdingWriter = false;
  };
  /** The transaction's own handle, the read paused (its other methods stay its own). */
  const pausedTx = (tx: Store): Store => {
    const wrapped = Object.create(tx) as Store;
    const methods = tx as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    (wrapped as unknown as Record<string, unknown>)[which.tx] = async (...args: unknown[]) => {
      await pause(true);
      return methods[which.tx]!(...args);
    };
    return wrapped;
  };
  const pausedSnapshot = (snapshot: Snapshot): Snapshot => {
    const methods: Snapshot = {
      getRelease: (id) => snapshot.getRelease(id),
      auditPage: (from, to, after) => snapshot.auditPage(from, to, after),
      verifyAudit: (recorded) => snapshot.verifyAudit(recorded),
    };
    const reads = methods as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    return {
      ...methods,
      [which.snapshot]: async (...args: unknown[]) => {
        await pause(false);
        return reads[which.snapshot]!(...args);
      },
    };
  };
  const store: Store = {
    ...inner,
    transaction: (fn, claim) => {
      if (holdingWriter) writerBusy.resolve();
      return inner.transaction((tx) => fn(pausedTx(tx)), claim);
    },
    readSnapshot: (fn) => inner.readSnapshot((snapshot) => fn(pausedSnapshot(snapshot))),
  };
  return { store, paused: paused.promise, resume: resume.resolve, writerBusy: writerBusy.promise };
}

import type { Snapshot } from "./snapshot.js";
import type { Reply } from "./views.js";

/**
 * An answer read after its use case's transaction commits, from a snapshot of the database
 * (Store.readSnapshot). A long read inside the transaction, such as an audit export or a walk
 * of the hash chain of a large trail, would hold the writer for seconds, and every vote pressed
 * meanwhile would wait past the platform's 3-second deadline. The transaction does the checks
 * (permission, the request itself) and writes what is audited; this only reads. A refusal it
 * throws is the answer, as any refusal is. `T`: a chat reply, or a web read's answer.
 */
export interface ReadAfterCommit<T = Reply> {
  readAfterCommit: (snapshot: Snapshot) => Promise<T>;
}

/** The answer of a use case that reads after its commit. */
export function readAfterCommit<T = Reply>(read: (snapshot: Snapshot) => Promise<T>): ReadAfterCommit<T> {
  return { readAfterCommit: read };
}

export function isReadAfterCommit(answer: unknown): answer is ReadAfterCommit<unknown> {
  return typeof answer === "object" && answer !== null && "readAfterCommit" in answer;
}

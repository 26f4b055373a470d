import type { Snapshot } from "./snapshot.js";
import type { Reply } from "./views.js";

/**
 * An answer read after its use case's transaction commits, from a snapshot of the database
 * (Store.readSnapshot). A long read inside the transaction, such as an audit export of a
 * large trail, would hold the writer for seconds, and every vote pressed meanwhile would wait
 * past the platform's 3-second deadline. The transaction does the checks (permission, the
 * request itself) and writes what is audited; this only reads. A refusal it throws is the
 * answer, as any refusal is.
 */
export interface ReadAfterCommit {
  readAfterCommit: (snapshot: Snapshot) => Promise<Reply>;
}

/** The answer of a use case that reads after its commit. */
export function readAfterCommit(read: (snapshot: Snapshot) => Promise<Reply>): ReadAfterCommit {
  return { readAfterCommit: read };
}

export function isReadAfterCommit(answer: unknown): answer is ReadAfterCommit {
  return typeof answer === "object" && answer !== null && "readAfterCommit" in answer;
}

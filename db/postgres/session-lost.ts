import type pg from "pg";

/** The session went away (ended on the server, a failover, a reset) before COMMIT was sent: nothing was committed. */
export class SessionLost extends Error {
  constructor(readonly lost: unknown) {
    super("the database session was lost before COMMIT");
  }
}

/**
 * Whether `err` says the connection itself is gone rather than that a statement was refused:
 * PostgreSQL ending the session (57P01-57P03), a connection exception (08…), or node-postgres
 * finding the socket closed. drizzle wraps the driver's error in its own ("Failed query: …").
 */
export function sessionLost(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (/^57P0[123]$/.test(code) || code.startsWith("08") || code === "ECONNRESET" || code === "EPIPE")) return true;
    const message = e instanceof Error ? e.message : "";
    if (/^Connection terminated|not queryable|Client was closed/.test(message)) return true;
  }
  return false;
}

/** Closes a connection's socket at once: its queries fail ("Connection terminated"), as when the server ends the session. */
export function cutConnection(client: pg.ClientBase): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

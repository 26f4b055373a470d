import { DatabasePathError } from "../db/database-path.js";
import { SqliteFileInUse } from "../db/sqlite-claim.js";
import type { Config } from "./config.js";

/**
 * The one line printed when start-up fails: what is wrong, named by the variable to change,
 * and what to do. Anything not recognised keeps its own message (never a stack trace).
 */
export function describeStartupError(err: unknown, config: Pick<Config, "port" | "host">): string {
  if (err instanceof DatabasePathError || err instanceof SqliteFileInUse) return `gonogo cannot start: ${err.message}`;
  const e = err as NodeJS.ErrnoException & { hostname?: string };
  const listening = e?.syscall === "listen";
  if (listening && e.code === "EADDRINUSE") return `gonogo cannot start: PORT ${config.port} is already in use — set PORT to a free port.`;
  if (listening && e.code === "EACCES") return `gonogo cannot start: PORT ${config.port} needs privileges gonogo does not have — set PORT to 1024 or above.`;
  if (listening && e.code === "EADDRNOTAVAIL") {
    return `gonogo cannot start: HOST ${config.host} is not an address of this machine — set HOST to 0.0.0.0 (every interface), 127.0.0.1 or one of this machine's addresses.`;
  }
  if (e?.syscall === "getaddrinfo" && e.hostname === config.host) {
    return `gonogo cannot start: HOST ${config.host} cannot be resolved to an address — set HOST to an IP address such as 0.0.0.0 or 127.0.0.1.`;
  }
  return `gonogo failed to start: ${err instanceof Error ? err.message : String(err)}`;
}

import { createHash } from "node:crypto";
import pg from "pg";
import type { Cluster, ClusterSignal } from "../../src/app/cluster.js";
import type { Logger } from "../../src/app/ports.js";
import { redactUrl } from "./client.js";

/** The one NOTIFY channel every gonogo instance on a database listens on. */
const CHANNEL = "gonogo";

interface Envelope {
  from: string;
  signal: ClusterSignal;
}

export interface PgCluster extends Cluster {
  /** Whether the LISTEN connection is up (false: polling only, until it reconnects). */
  listening(): boolean;
  close(): Promise<void>;
}

export interface PgClusterOptions {
  /** The pool NOTIFY goes out on: any connection will do, a transaction-mode pooler too. */
  pool: pg.Pool;
  /** A session-mode connection for LISTEN (not through a transaction-mode pooler), or null for polling only. */
  listenUrl: string | null;
  instanceId: string;
  log: Logger;
}

/** How long to wait before reconnecting a dropped listener, growing to 30 s. */
const FIRST_RECONNECT_MS = 1_000;

/**
 * Signals between instances over PostgreSQL LISTEN/NOTIFY. LISTEN holds one dedicated
 * session (a `pg.Client`, not a pooled connection: a pool would hand the session to other
 * queries, and a transaction-mode pooler such as PgBouncer drops it between transactions).
 * When it drops, it reconnects with a growing pause, and on coming back tells its own
 * subscribers to re-check (a "jobs" and a "sweep"), since signals sent meanwhile are lost.
 * NOTIFY is best effort by design: every subscriber polls as well.
 */
export async function startPgCluster(options: PgClusterOptions): Promise<PgCluster> {
  const { pool, listenUrl, instanceId, log } = options;
  const subscribers: Array<(s: ClusterSignal) => void> = [];
  const deliver = (signal: ClusterSignal) => {
    for (const fn of subscribers) {
      try {
        fn(signal);
      } catch (err) {
        log.error({ err: err instanceof Error ? err.message : String(err) }, "a cluster signal's handler failed");
      }
    }
  };

  // Signals sent in one turn of the event loop go out together, each distinct one once.
  let outbox = new Set<string>();
  const flush = () => {
    const batch = [...outbox];
    outbox = new Set();
    return Promise.all(
      batch.map((payload) =>
        pool.query("SELECT pg_notify($1, $2)", [CHANNEL, payload]).catch((err: unknown) => {
          log.warn({ err: err instanceof Error ? err.message : String(err) }, "telling the other instances failed; they find out by polling");
        }),
      ),
    );
  };

  let client: pg.Client | null = null;
  let up = false;
  let closing = false;
  let retryIn = FIRST_RECONNECT_MS;
  let retryTimer: NodeJS.Timeout | null = null;

  const onNotification = (msg: pg.Notification) => {
    if (msg.channel !== CHANNEL || !msg.payload) return;
    try {
      const { from, signal } = JSON.parse(msg.payload) as Envelope;
      if (from !== instanceId) deliver(signal);
    } catch {
      log.warn({}, "ignored an unreadable cluster signal");
    }
  };

  async function connect(first: boolean): Promise<void> {
    if (!listenUrl || closing) return;
    const c = new pg.Client({ connectionString: listenUrl, keepAlive: true, application_name: listenName(instanceId) });
    const lost = (why: string) => {
      if (client !== c) return;
      client = null;
      up = false;
      c.removeAllListeners("notification");
      void c.end().catch(() => {});
      if (closing) return;
      log.warn({ where: redactUrl(listenUrl), reason: why, retryInMs: retryIn }, "the LISTEN connection dropped; polling until it is back");
      schedule();
    };
    c.on("error", (err) => lost(err.message));
    c.on("end", () => lost("connection ended"));
    c.on("notification", onNotification);
    client = c;
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      up = true;
      retryIn = FIRST_RECONNECT_MS;
      if (!first) {
        log.info({}, "the LISTEN connection is back");
        deliver({ type: "jobs" });
        deliver({ type: "sweep" });
      }
    } catch (err) {
      lost(err instanceof Error ? err.message : String(err));
    }
  }

  function schedule(): void {
    if (retryTimer || closing) return;
    const wait = retryIn;
    retryIn = Math.min(retryIn * 2, 30_000);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect(false);
    }, wait);
    retryTimer.unref();
  }

  await connect(true);
  if (!listenUrl) log.info({}, "LISTEN is off (DATABASE_LISTEN_URL=off): other instances' jobs and cards are found by polling");
  if (up) await warnIfNameTaken(pool, listenName(instanceId), instanceId, log);

  return {
    instanceId,
    publish(signal) {
      if (closing) return;
      if (outbox.size === 0) setImmediate(() => void flush());
      outbox.add(JSON.stringify({ from: instanceId, signal } satisfies Envelope));
    },
    subscribe(fn) {
      subscribers.push(fn);
    },
    listening: () => up,
    async close() {
      closing = true;
      if (retryTimer) clearTimeout(retryTimer);
      // The last words (leases let go) go out before the pool closes.
      if (outbox.size) await flush();
      const c = client;
      client = null;
      up = false;
      if (c) await c.end().catch(() => {});
    },
  };
}

/** The LISTEN session's name: one per instance, so two of them under one name are two instances with one id. */
function listenName(instanceId: string): string {
  const name = `gonogo-listen-${instanceId}`;
  // PostgreSQL keeps 63 characters of a name; a pod name's unique part is at its end, so a long id keeps a hash of all of it.
  return name.length <= 63 ? name : `${name.slice(0, 54)}-${createHash("sha256").update(instanceId).digest("hex").slice(0, 8)}`;
}

/**
 * Two replicas given the same GONOGO_INSTANCE_ID (a fixed value in a manifest every replica
 * shares) hold each other's card leases as their own: cards are edited twice as often and a
 * notice may be posted twice. Each instance has one LISTEN session named after its id, so a
 * second one under this name is another instance. Only a warning: after a host crash its old
 * session can linger on the server, and refusing to start then would cost a restart.
 */
async function warnIfNameTaken(pool: pg.Pool, name: string, instanceId: string, log: Logger): Promise<void> {
  try {
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()", [name]);
    if ((rows[0]?.n ?? 0) > 1) {
      log.warn({ instance: instanceId }, `another gonogo instance on this database uses the instance id "${instanceId}": give each instance its own GONOGO_INSTANCE_ID (e.g. the pod name), or leave it unset. Two with one id edit each card twice as often and may post a notice twice.`);
    }
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err) }, "could not check that this instance's id is its own");
  }
}


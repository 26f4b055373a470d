import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { openPostgres } from "../../db/postgres/client.js";
import { startPgCluster } from "../../db/postgres/notify.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { createBot } from "../../src/app/bot.js";
import { JOB_LEASE_MS } from "../../src/app/job-runner.js";
import type { Logger } from "../../src/app/ports.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { channel, createFakeTime, defaultCoreConfig, person, T0, type FakeTime } from "../helpers/core.js";
import { describeInstances } from "./describe-instances.js";

const silent: Logger = { info() {}, warn() {}, error() {} };
const MIN = 60_000;

/*
 * A job's claiming instance loses its database connections right after the claim (a failover,
 * pg_terminate_backend): the claim is committed, the job's own transaction is not. The job
 * must still run exactly once, on time or when the lease hands it on.
 */
describeInstances("a job whose claimer loses its connections", ({ fresh, closeAfter }) => {
  let admin: pg.Pool | undefined;
  afterEach(async () => {
    await admin?.end();
    admin = undefined;
  });

  /** A and B on one fresh database, each on its own fake clock; `cut` ends every session of A (pool and LISTEN). */
  async function twoInstances() {
    const url = await fresh();
    admin = new pg.Pool({ connectionString: url, max: 1 });
    admin.on("error", () => undefined);
    const cut = (name: string) => admin!.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = ANY($1)", [[`gonogo-${name}`, `gonogo-listen-${name}`]]);
    const hooks = { cutAfterClaim: false, cutInTransaction: false };
    const start = async (name: string) => {
      const handle = await openPostgres(url, { max: 4, applicationName: `gonogo-${name}` });
      const cluster = await startPgCluster({ pool: handle.pool, listenUrl: url, instanceId: name, log: silent });
      const clock: FakeTime = createFakeTime(T0);
      clock.fastForward();
      const pgStore = createPostgresStore(handle);
      const store: typeof pgStore = {
        ...pgStore,
        claimDueJobs: async (...args) => {
          const claimed = await pgStore.claimDueJobs(...args);
          if (name === "A" && hooks.cutAfterClaim && claimed.length > 0) {
            hooks.cutAfterClaim = false;
            await cut(name);
          }
          return claimed;
        },
        transaction: (fn, claim) =>
          pgStore.transaction(async (tx) => {
            if (name === "A" && hooks.cutInTransaction) {
              hooks.cutInTransaction = false;
              await cut(name);
            }
            return fn(tx);
          }, claim),
      };
      const bot = createBot({ store, config: defaultCoreConfig, clock, timer: clock.timer, log: silent, cluster });
      const chat = createRecordingSurface();
      bot.attachSurface(chat.surface);
      const instance = { bot, cluster, handle, clock, chat };
      closeAfter(instance);
      return instance;
    };
    const instances = [await start("A"), await start("B")];
    const [a, b] = instances as [Awaited<ReturnType<typeof start>>, Awaited<ReturnType<typeof start>>];
    const said = () => instances.flatMap((i) => i.chat.noticeTexts());
    const advance = (ms: number) => {
      for (const i of instances) i.clock.advance(ms);
    };
    const idle = () => Promise.all(instances.map((i) => i.bot.idle()));
    return { a, b, hooks, said, advance, idle };
  }

  it("a T-0 and a reminder claimed by A just before every session of A is ended run exactly once each, at once", async () => {
    const { a, b, hooks, said, advance, idle } = await twoInstances();
    await a.bot.handle({ kind: "command", actor: person("alice"), channel, text: "create payments 1.4.2 at in 20m" });
    await a.bot.handle({ kind: "command", actor: person("alice"), channel, text: "create api 2.0.0 at in 75m" });
    await a.bot.idle();
    // At 20 min: R-1's T-0 and R-2's T-1h reminder fall due; A claims them and loses its sessions at once.
    advance(20 * MIN - 1_000);
    await idle();
    hooks.cutAfterClaim = true;
    advance(1_000);
    await a.bot.runDueJobs();
    await a.bot.idle();
    const once = () => {
      expect(said().filter((t) => t.startsWith("⏸ T-0: HOLD. R-1"))).toHaveLength(1);
      expect(said().filter((t) => t.startsWith("⏰ T-1h: R-2"))).toHaveLength(1);
    };
    // The pool dropped the ended sessions and opened new ones: the jobs ran at once, on A.
    once();
    // Nothing runs them again once A's lease on them has ended.
    advance(JOB_LEASE_MS + 1_000);
    await b.bot.runDueJobs();
    await a.bot.runDueJobs();
    await idle();
    once();
  }, 30_000);

  it("a T-0 whose transaction on A loses its session half-way runs exactly once, on time (not when the lease ends)", async () => {
    const { a, b, hooks, said, advance, idle } = await twoInstances();
    await a.bot.handle({ kind: "command", actor: person("alice"), channel, text: "create payments 1.4.2 at in 20m" });
    await a.bot.idle();
    advance(20 * MIN - 1_000);
    await a.bot.runDueJobs().catch(() => 0); // as the runner's own pass does: a failed pass is logged, the next tick tries again
    await idle();
    hooks.cutInTransaction = true;
    advance(1_000);
    await a.bot.runDueJobs().catch(() => 0); // as the runner's own pass does: a failed pass is logged, the next tick tries again
    await idle();
    const t0 = () => said().filter((t) => t.startsWith("⏸ T-0: HOLD. R-1"));
    // Nothing had been committed when the session went: A runs it again on a fresh connection, on time.
    expect(t0()).toHaveLength(1);
    advance(JOB_LEASE_MS + 1_000);
    await b.bot.runDueJobs().catch(() => 0);
    await a.bot.runDueJobs().catch(() => 0); // as the runner's own pass does: a failed pass is logged, the next tick tries again
    await idle();
    expect(t0()).toHaveLength(1);
  }, 30_000);
});

import { expect, it } from "vitest";
import { openPostgres } from "../../db/postgres/client.js";
import { startPgCluster } from "../../db/postgres/notify.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { createBot } from "../../src/app/bot.js";
import { noTelemetry, systemTimer, type Logger, type Timer } from "../../src/app/ports.js";
import { channel, defaultCoreConfig, person } from "../helpers/core.js";
import { describeInstances } from "./describe-instances.js";

const silent: Logger = { info() {}, warn() {}, error() {} };

/*
 * Real time on purpose: what is measured is how late a job runs on an instance that did
 * not plan it, which is the database's signal plus the real timer it re-arms.
 */
describeInstances("job wake-ups across instances", ({ fresh, closeAfter }) => {

  /** `runner` runs jobs; `planner` only takes commands (its runner never starts), so only a signal can tell the runner. */
  async function pair(listen: boolean, runnerTimer: Timer = systemTimer) {
    const url = await fresh();
    const lags: number[] = [];
    const make = async (name: string) => {
      const handle = await openPostgres(url, { max: 4 });
      const cluster = await startPgCluster({ pool: handle.pool, listenUrl: listen ? url : null, instanceId: name, log: silent });
      const telemetry = { ...noTelemetry, jobLag: (kind: string, seconds: number) => void (kind === "t0" && lags.push(seconds)) };
      const runs = name === "runner";
      const bot = createBot({ store: createPostgresStore(handle), config: defaultCoreConfig, log: silent, cluster, timer: runs ? runnerTimer : systemTimer, telemetry: runs ? telemetry : noTelemetry });
      closeAfter({ bot, cluster, handle });
      return { bot, cluster };
    };
    const { bot: runner, cluster: runnerCluster } = await make("runner");
    await runner.start();
    const { bot: planner } = await make("planner");
    return { runner, planner, lags, runnerCluster, url };
  }

  const until = async (check: () => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  };

  it("a T-0 planned on one instance runs on another within milliseconds of its time (LISTEN re-arms its timer)", async () => {
    // The runner's one-second poll is switched off: only the signal can tell it about the job.
    const { planner, lags } = await pair(true, { ...systemTimer, every: () => ({ cancel() {} }) });
    await planner.handle({ kind: "command", actor: person("alice"), channel, text: "create api 2.0.0 at in 3s" });
    await until(() => lags.length > 0, 6_000);
    expect(lags).toHaveLength(1);
    // With the poll off, only the signal can have run it at all; the bench measures the lateness
    // (goal under 50 ms). The bound leaves room for a test machine busy with the whole suite
    // (it once took 119 ms there), as the test below does.
    expect(lags[0]!).toBeLessThan(0.5);
  }, 20_000);

  it("the runner's LISTEN session ended on the server (pg_terminate_backend): a T-0 planned elsewhere before still runs on time, the session comes back, and one planned after is on time too", async () => {
    const { planner, lags, runnerCluster, url } = await pair(true, { ...systemTimer, every: () => ({ cancel() {} }) });
    await planner.handle({ kind: "command", actor: person("alice"), channel, text: "create web 1.0.0 at in 4s" });
    const admin = await openPostgres(url, { max: 1 });
    try {
      const { rows } = await admin.pool.query<{ ended: boolean }>("SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'gonogo-listen-runner'");
      expect(rows.map((r) => r.ended)).toEqual([true]);
      await until(() => !runnerCluster.listening(), 2_000);
      expect(runnerCluster.listening()).toBe(false);
      await until(() => runnerCluster.listening(), 5_000);
      expect(runnerCluster.listening()).toBe(true);
    } finally {
      await admin.close();
    }
    await planner.handle({ kind: "command", actor: person("alice"), channel, text: "create api 2.0.0 at in 3s" });
    await until(() => lags.length > 1, 8_000);
    expect(lags).toHaveLength(2);
    // The runner's poll is off: without its LISTEN session back neither would run at all. The bound leaves room for a loaded machine.
    for (const lag of lags) expect(lag).toBeLessThan(0.5);
  }, 20_000);

  it("without LISTEN (behind a transaction-mode pooler) the poll still runs it, up to a second late", async () => {
    const { planner, lags } = await pair(false);
    await planner.handle({ kind: "command", actor: person("alice"), channel, text: "create api 2.0.0 at in 2s" });
    await until(() => lags.length > 0, 6_000);
    expect(lags).toHaveLength(1);
    expect(lags[0]!).toBeLessThan(1.5);
  }, 20_000);
});

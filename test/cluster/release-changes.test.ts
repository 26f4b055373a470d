import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type PostgresHandle } from "../../db/postgres/client.js";
import { startPgCluster, type PgCluster } from "../../db/postgres/notify.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { createBot } from "../../src/app/bot.js";
import type { Bot } from "../../src/app/bot-api.js";
import type { Logger } from "../../src/app/ports.js";
import { channel, createFakeTime, defaultCoreConfig, person, T0 } from "../helpers/core.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";
import { ACME, startWebGonogo, WEB_TOKEN, type WebGonogo } from "../helpers/web-seed.js";

const silent: Logger = { info() {}, warn() {}, error() {} };

/** Polls until `check` holds, or fails after `ms`: LISTEN/NOTIFY and the pool are real, so their answers take real time. */
async function until(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "release changes across instances" : `release changes across instances ${SKIP_WITHOUT_POSTGRES}`, () => {
  let databases: TestDatabases;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(() => {
    databases = createTestDatabases(TEST_DATABASE_URL!);
  });
  afterAll(() => databases.dropAll(), 60_000);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("warns when another instance on the database already uses this instance id, and not when each has its own", async () => {
    const url = await databases.fresh();
    const warnings: string[] = [];
    const log: Logger = { info() {}, warn: (_o, msg) => warnings.push(msg), error() {} };
    const start = async (name: string) => {
      const handle = await openPostgres(url, { max: 2 });
      const cluster = await startPgCluster({ pool: handle.pool, listenUrl: url, instanceId: name, log });
      cleanups.push(async () => {
        await cluster.close();
        await handle.close();
      });
    };
    await start("g1");
    await start("g2");
    // Pod names: the same long prefix, the unique part at the end.
    await start("gonogo-release-bot-production-eu-west-1-7d9f8b7c6d-abcde");
    await start("gonogo-release-bot-production-eu-west-1-7d9f8b7c6d-fghij");
    expect(warnings).toEqual([]);
    await start("g2");
    expect(warnings).toEqual([expect.stringContaining('another gonogo instance on this database uses the instance id "g2": give each instance its own GONOGO_INSTANCE_ID')]);
  });

  it("a vote through B's door is heard by A's release-change listeners, and B hears its own change once, not echoed back", async () => {
    const url = await databases.fresh();
    const start = async (name: string) => {
      const handle: PostgresHandle = await openPostgres(url, { max: 4 });
      const cluster: PgCluster = await startPgCluster({ pool: handle.pool, listenUrl: url, instanceId: name, log: silent });
      const clock = createFakeTime(T0);
      clock.fastForward();
      const bot: Bot = createBot({ store: createPostgresStore(handle), config: defaultCoreConfig, clock, timer: clock.timer, log: silent, cluster });
      await bot.start();
      cleanups.push(async () => {
        await bot.stop();
        await cluster.close();
        await handle.close();
      });
      const heard: string[] = [];
      bot.onReleaseChanged((id) => heard.push(id));
      return { bot, heard };
    };
    const a = await start("A");
    const b = await start("B");
    const say = (on: Bot, who: string, text: string) => on.handle({ kind: "command", actor: person(who), channel, text });

    await say(a.bot, "alice", "create payments 1.4.2");
    await until("B to hear of the release A created", () => b.heard.length === 1);
    await say(b.bot, "bob", "vote R-1 go");
    await until("A to hear of the vote taken by B", () => a.heard.length === 2);
    expect(a.heard).toEqual(["R-1", "R-1"]);
    // Then A's own vote reaches B: had B's signal come back to B, B would have heard it before this one.
    await say(a.bot, "carol", "vote R-1 go");
    await until("B to hear of the vote taken by A", () => b.heard.length >= 3);
    expect(b.heard).toEqual(["R-1", "R-1", "R-1"]);
    expect(a.heard).toEqual(["R-1", "R-1", "R-1"]);
  }, 20_000);

  it("a page open on A's web view gets a change event over HTTP when the vote is taken through B", async () => {
    const url = await databases.fresh();
    const start = async (name: string): Promise<WebGonogo> => {
      const dir = mkdtempSync(join(tmpdir(), `gonogo-live-${name}-`));
      const g = await startWebGonogo(dir, { DATABASE_URL: url, GONOGO_INSTANCE_ID: name });
      cleanups.push(async () => {
        await g.stop();
        rmSync(dir, { recursive: true, force: true });
      });
      return g;
    };
    const a = await start("A");
    const b = await start("B");
    expect(await b.say(ACME, "alice", "create payments 1.4.2")).toContain("Created R-1");

    const aborted = new AbortController();
    cleanups.push(() => Promise.resolve(aborted.abort()));
    const res = await fetch(`${a.base}/web/events?release=R-1`, { headers: { authorization: `Bearer ${WEB_TOKEN}` }, signal: aborted.signal });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    let received = "";
    void (async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received += Buffer.from(chunk.value).toString("utf8");
    })().catch(() => {});

    await b.say(ACME, "bob", "vote R-1 go");
    await until("A's stream to send the change", () => received.includes("event: change"));
    expect(received).toContain('data: ["R-1"]');
  }, 30_000);
});

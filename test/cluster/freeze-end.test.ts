import { expect, it } from "vitest";
import { openPostgres } from "../../db/postgres/client.js";
import { startPgCluster } from "../../db/postgres/notify.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { createBot } from "../../src/app/bot.js";
import type { Logger } from "../../src/app/ports.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { channel, createFakeTime, defaultCoreConfig, person, T0, type FakeTime } from "../helpers/core.js";
import { describeInstances } from "./describe-instances.js";

const silent: Logger = { info() {}, warn() {}, error() {} };
const MIN = 60_000;

describeInstances("the end of a freeze across instances", ({ fresh, closeAfter }) => {

  it("is told once to the release it held, however many instances run their due jobs when it ends", async () => {
    const url = await fresh();
    const start = async (name: string) => {
      const handle = await openPostgres(url, { max: 4 });
      const cluster = await startPgCluster({ pool: handle.pool, listenUrl: url, instanceId: name, log: silent });
      const clock: FakeTime = createFakeTime(T0);
      clock.fastForward();
      const bot = createBot({ store: createPostgresStore(handle), config: defaultCoreConfig, clock, timer: clock.timer, log: silent, cluster });
      const chat = createRecordingSurface();
      bot.attachSurface(chat.surface);
      const instance = { bot, cluster, handle, clock, chat };
      closeAfter(instance);
      return instance;
    };
    const instances = [await start("A"), await start("B"), await start("C")];
    const [a] = instances;
    const say = (who: string, text: string) => a!.bot.handle({ kind: "command", actor: person(who), channel, text });
    await say("admin", "freeze add now until in 1h reason incident");
    await say("alice", "create payments 1.4.2 at in 30m");
    await a!.bot.idle();
    /** Every instance's clock moves on, and all of them run what fell due at once. */
    const advance = async (ms: number) => {
      for (const i of instances) i.clock.advance(ms);
      await Promise.all(instances.map((i) => i.bot.runDueJobs()));
      await Promise.all(instances.map((i) => i.bot.idle()));
    };
    await advance(30 * MIN);
    expect(instances.flatMap((i) => i.chat.noticeTexts("R-1")).filter((t) => t.includes("is held, not shipped"))).toHaveLength(1);

    await advance(30 * MIN);
    await advance(MIN);
    const told = instances.flatMap((i) => i.chat.noticeTexts("R-1")).filter((t) => t.startsWith("✅ Freeze"));
    expect(told).toEqual(["✅ Freeze 'incident' is over (it ended Tue 15 Jan 10:00 (UTC)). R-1 is still on hold and not GO yet. Decision: Pending: 0 of 2 GO. Release manager: set a new T-0 with `/release schedule R-1 <time>`, or `/release ship R-1` once GO."]);
  }, 30_000);
});

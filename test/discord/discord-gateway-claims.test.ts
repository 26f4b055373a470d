import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client.js";
import { openPostgres } from "../../db/postgres/client.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { createSqliteStore } from "../../db/store.js";
import { buttonCustomId } from "../../adapters/discord/ids.js";
import { createBot } from "../../src/app/bot.js";
import type { Bot } from "../../src/app/bot-api.js";
import type { Logger } from "../../src/app/ports.js";
import type { Store } from "../../src/app/store.js";
import { BOT_TOKEN, buttonPress, member, slashCommand } from "../../fakes/discord-fixtures.js";
import { startFakeDiscord, type FakeDiscord } from "../../fakes/discord-server.js";
import { admins, createFakeTime, defaultCoreConfig, T0 } from "../helpers/core.js";
import { createTestDatabases, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";
import { CALLBACK, startDiscord } from "./harness.js";

/**
 * Two gonogo instances, each with its own discord.js gateway session, on one database.
 * Discord sends every INTERACTION_CREATE to every session; the instance that claims the
 * interaction id in the database answers it, the other drops it without a word.
 */

interface Instance {
  bot: Bot;
  store: Store;
  /** What each interaction came to on this instance: answered, or dropped as claimed elsewhere. */
  outcomes: Map<string, "answered" | "dropped">;
  errors: string[];
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let databases: TestDatabases | undefined;
beforeAll(() => {
  if (TEST_DATABASE_URL) databases = createTestDatabases(TEST_DATABASE_URL);
});
afterAll(() => databases?.dropAll(), 60_000);

/** Two stores on one database: PostgreSQL when TEST_DATABASE_URL is set, else two connections to one SQLite file. */
async function twoStores(): Promise<[Store, Store]> {
  if (databases) {
    const url = await databases.fresh({ migrated: true });
    const handles = [await openPostgres(url), await openPostgres(url)];
    cleanups.push(async () => {
      for (const h of handles) await h.close();
    });
    return [createPostgresStore(handles[0]!), createPostgresStore(handles[1]!)];
  }
  const dir = mkdtempSync(join(tmpdir(), "gonogo-two-"));
  const path = join(dir, "gonogo.db");
  const handles = [openDatabase(path), openDatabase(path)];
  cleanups.push(() => {
    for (const h of handles) h.close();
    rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  });
  return [createSqliteStore(handles[0]!), createSqliteStore(handles[1]!)];
}

async function startTwoInstances(fake: FakeDiscord): Promise<[Instance, Instance]> {
  const stores = await twoStores();
  const clock = createFakeTime(T0);
  clock.fastForward();
  const config = { ...defaultCoreConfig, admins: admins(`discord:${fake.world.guildId}:${member(0).id}`) };
  const instances: Instance[] = [];
  const waiting = new Set<() => void>();
  for (const store of stores) {
    const errors: string[] = [];
    const log: Logger = { info() {}, warn() {}, error: (_o, msg) => errors.push(msg) };
    const bot = createBot({ store, config, clock, timer: clock.timer, log });
    const outcomes = new Map<string, "answered" | "dropped">();
    // Records what the door answered each interaction, so the test knows both instances are done with it.
    const watched: Bot = {
      ...bot,
      async handleOnce(id, event) {
        const reply = await bot.handleOnce(id, event);
        outcomes.set(id.replace(/^discord:/, ""), reply === null ? "dropped" : "answered");
        for (const w of [...waiting]) w();
        return reply;
      },
    };
    const discord = await startDiscord({
      bot: watched,
      config: { token: BOT_TOKEN, applicationId: fake.world.applicationId, guildId: fake.world.guildId, apiUrl: fake.apiUrl },
      log,
      minUpdateIntervalMs: 50,
    });
    cleanups.push(async () => {
      await discord.stop();
      await bot.stop();
    });
    instances.push({ bot: watched, store, outcomes, errors });
  }
  return instances as [Instance, Instance];
}

/** Resolves once both instances have handled interaction `id`. */
function bothHandled(instances: Instance[], id: string): Promise<Array<"answered" | "dropped">> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`interaction ${id}: ${instances.map((i) => i.outcomes.get(id) ?? "pending").join(", ")}`)), 5000);
    const check = () => {
      const seen = instances.map((i) => i.outcomes.get(id));
      if (seen.every(Boolean)) {
        clearTimeout(timer);
        resolve(seen as Array<"answered" | "dropped">);
      } else setImmediate(check);
    };
    check();
  });
}

describe(`two gateway instances on one ${TEST_DATABASE_URL ? "PostgreSQL database" : "SQLite file"}`, () => {
  it("answers each interaction once: one instance claims it, the other drops it, one vote is cast", async () => {
    const fake = await startFakeDiscord();
    cleanups.push(() => fake.close());
    const instances = await startTwoInstances(fake);
    await fake.waitForCount((c) => c.method === "PUT" && c.path.endsWith("/commands"), 2);
    const base = (i: number) => ({ world: fake.world, user: member(i) });
    const callbacks = (id: string) => fake.calls.filter((c) => c.path.startsWith(`/interactions/${id}/`));

    const create = fake.dispatchInteraction(slashCommand(base(0), "create", { service: "payments", version: "1.4.2", when: "in 2h" }));
    expect((await bothHandled(instances, create.id)).sort()).toEqual(["answered", "dropped"]);
    const card = await fake.waitFor((c) => c.method === "POST" && c.path === `/channels/${fake.world.channelId}/messages` && c.status === 200);
    expect(callbacks(create.id)).toHaveLength(1);
    expect(callbacks(create.id)[0]!.body.type).toBe(CALLBACK.message);

    const press = fake.dispatchInteraction(buttonPress(base(3), buttonCustomId("go", "R-1"), String(card.response.id)));
    expect((await bothHandled(instances, press.id)).sort()).toEqual(["answered", "dropped"]);
    await fake.callbackFor(press.id);
    await Promise.all(instances.map((i) => i.bot.idle()));
    // The loser never tried to answer: no second callback, so no 40060 from Discord either.
    expect(callbacks(press.id)).toHaveLength(1);
    expect(fake.calls.filter((c) => c.method === "POST" && c.path === `/channels/${fake.world.channelId}/messages` && !c.body.message_reference)).toHaveLength(1);

    // Both instances read one vote and one vote_cast from the shared database.
    for (const i of instances) {
      expect((await i.store.getVotes("R-1")).map((v) => v.voter)).toEqual([`discord:${fake.world.guildId}:${member(3).id}`]);
      expect((await i.store.listAudit("R-1")).filter((a) => a.type === "vote_cast")).toHaveLength(1);
    }
    expect(instances.flatMap((i) => i.errors)).toEqual([]);
  });
});

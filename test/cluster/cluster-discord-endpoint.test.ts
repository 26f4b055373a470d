import { connect } from "node:net";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WRITER_LOCK } from "../../db/postgres/transactions.js";
import { buttonCustomId } from "../../adapters/discord/ids.js";
import { BOT_TOKEN, buttonPress, member, modalSubmit, slashCommand } from "../../fakes/discord-fixtures.js";
import { startFakeDiscord, type FakeCall, type FakeDiscord } from "../../fakes/discord-server.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "../../fakes/round-robin-proxy.js";
import { CALLBACK } from "../discord/harness.js";
import { startGonogo, type RunningGonogo } from "../helpers/faults-program.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";
import { until } from "./until.js";

/**
 * Discord's Interactions Endpoint URL behind a round-robin front: state one instance made is read by the
 * other at once (a form, autocomplete), and in a rolling restart the
 * instance that deferred a slow press (its HTTP response already sent) is SIGTERMed before the
 * press commits. The deferral is its to fill in; nobody else knows it is owed.
 */

describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "a Discord endpoint cluster in a rolling restart" : `a Discord endpoint cluster in a rolling restart ${SKIP_WITHOUT_POSTGRES}`, () => {
  let databases: TestDatabases;
  let fake: FakeDiscord | undefined;
  let proxy: RoundRobinProxy | undefined;
  let sql: pg.Pool | undefined;
  const instances: RunningGonogo[] = [];

  beforeAll(() => {
    databases = createTestDatabases(TEST_DATABASE_URL!);
  });
  afterAll(() => databases.dropAll(), 60_000);
  afterEach(async () => {
    await Promise.all(instances.map((g) => g.kill().catch(() => undefined)));
    instances.length = 0;
    await sql?.end();
    await proxy?.close();
    await fake?.close();
    proxy = fake = sql = undefined;
  }, 60_000);

  /** Two endpoint instances g1, g2 behind the front, and R-1's card posted. */
  async function start() {
    const url = await databases.fresh();
    sql = new pg.Pool({ connectionString: url, max: 2 });
    sql.on("error", () => undefined);
    fake = await startFakeDiscord();
    const world = fake.world;
    const env = (n: number) => ({
      DISCORD_TOKEN: BOT_TOKEN,
      DISCORD_APPLICATION_ID: world.applicationId,
      DISCORD_GUILD_ID: world.guildId,
      DISCORD_API_URL: fake!.apiUrl,
      DISCORD_PUBLIC_KEY: fake!.publicKey,
      DATABASE_URL: url,
      GONOGO_INSTANCE_ID: `g${n}`,
    });
    instances.push(...(await Promise.all([1, 2].map((n) => startGonogo(env(n), 30_000)))));
    const ports = instances.map((g) => g.port);
    proxy = await startRoundRobinProxy(() => ports);
    const post = (raw: unknown, port?: number) => fake!.postInteraction(port ? `http://127.0.0.1:${port}/discord/interactions` : `${proxy!.url}/discord/interactions`, raw);
    const created = await post(slashCommand({ world, user: member(0) }, "create", { service: "payments", version: "1.4.2" }));
    expect(String(created.body.data.content)).toContain("Created R-1");
    const card = String((await fake.waitFor((c) => c.method === "POST" && c.path === `/channels/${world.channelId}/messages` && c.status === 200 && JSON.stringify(c.body.embeds ?? []).includes("R-1"), 5_000)).response.id);

    return { url, world, post, card, ports, fake: fake };
  }

  it("the instance that deferred presses waiting on the database is SIGTERMed: it commits them and fills each deferral in before it exits, so each voter reads the answer instead of 'thinking…' for a vote that counted", async () => {
    const { url, world, post, card, ports, fake } = await start();
    const victim = instances[0]!;
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    const presses = [7, 8, 9].map((n) => buttonPress({ world, user: member(n) }, buttonCustomId("go", "R-1"), card));
    let stopped: Promise<void>;
    await locker.query("SELECT pg_advisory_lock($1)", [WRITER_LOCK]);
    try {
      // Every write waits on the lock: the instance answers Discord with a deferral ("gonogo is thinking…").
      for (const answer of await Promise.all(presses.map((p) => post(p, victim.port)))) expect(answer.body).toMatchObject({ type: CALLBACK.deferredMessage });
      // The rolling restart; the lock goes once the instance takes no more requests.
      stopped = victim.stop();
      ports.splice(ports.indexOf(victim.port), 1);
      await until("the instance to take no more requests", 10_000, () =>
        new Promise<true | undefined>((resolve) => {
          const socket = connect(victim.port, "127.0.0.1");
          socket.once("connect", () => (socket.destroy(), resolve(undefined)));
          socket.once("error", () => resolve(true));
        }),
      );
    } finally {
      await locker.query("SELECT pg_advisory_unlock($1)", [WRITER_LOCK]);
      await locker.end();
    }
    await stopped!;
    const { rows } = await sql!.query<{ n: string }>("SELECT count(*) AS n FROM votes WHERE release_seq = 1");
    expect(Number(rows[0]!.n)).toBe(presses.length);
    for (const press of presses) {
      const filled = (c: FakeCall) => c.method === "PATCH" && c.path === `/webhooks/${world.applicationId}/${press.token}/messages/@original` && c.status === 200;
      expect(fake.calls.filter(filled).map((c) => String(c.body.content))).toEqual([expect.stringContaining("Your GO on R-1")]);
    }
  }, 60_000);

  it("a no-go form opened on one instance and submitted to the other, and autocomplete on each right after a create on the other: the vote counts with its reason, each lists the new release", async () => {
    const { world, post, card, ports, fake } = await start();
    const [g1, g2] = ports as [number, number];
    const form = await post(buttonPress({ world, user: member(4) }, buttonCustomId("no_go", "R-1"), card), g1);
    expect(form.body).toMatchObject({ type: CALLBACK.modal });
    const submitted = await post(modalSubmit({ world, user: member(4) }, String(form.body.data.custom_id), { reason: "error budget spent" }, card), g2);
    expect(String(submitted.body.data.content)).toContain("NO-GO");
    await until("the card to quote the no-go's reason", 10_000, () => (JSON.stringify(fake.messages.get(card)?.body ?? {}).includes("error budget spent") ? true : undefined));
    for (const [creator, other, n] of [[g1, g2, 2], [g2, g1, 3]] as const) {
      expect(String((await post(slashCommand({ world, user: member(0) }, "create", { service: `svc${n}`, version: "1.0.0" }), creator)).body.data.content)).toContain(`Created R-${n}`);
      const choices = await post(slashCommand({ world, user: member(0) }, "status", { id: "" }, "autocomplete", "id"), other);
      expect(choices.body).toMatchObject({ type: CALLBACK.autocomplete });
      expect(choices.body.data.choices.map((c: { value: string }) => c.value)).toContain(`R-${n}`);
    }
  }, 60_000);
});

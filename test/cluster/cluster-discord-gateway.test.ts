import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WRITER_LOCK } from "../../db/postgres/transactions.js";
import { buttonCustomId, formCustomId } from "../../adapters/discord/ids.js";
import { BOT_TOKEN, buttonPress, member, modalSubmit, slashCommand, type FakeMember } from "../../fakes/discord-fixtures.js";
import { startFakeDiscord, type FakeCall, type FakeDiscord } from "../../fakes/discord-server.js";
import { CALLBACK } from "../discord/harness.js";
import { startGonogo, type RunningGonogo } from "../helpers/faults-program.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";
import { until } from "./until.js";

const SECRET = "whsec_" + Buffer.from("cluster-test-webhook-secret-32by").toString("base64");

/**
 * The gateway topology (README "Running more than one instance", no inbound HTTP): every
 * instance holds a gateway session and receives every interaction; the one that claims its
 * id in the database answers. A rolling restart SIGTERMs one of them in the middle of a storm.
 */

const PRESSES = 240;
const WORKERS = 12;

describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "a Discord gateway cluster of three on PostgreSQL" : `a Discord gateway cluster of three on PostgreSQL ${SKIP_WITHOUT_POSTGRES}`, () => {
  let databases: TestDatabases;
  let fake: FakeDiscord | undefined;
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
    await fake?.close();
    fake = sql = undefined;
  }, 60_000);

  /** Three gateway instances g1…g3 on a fresh database, each with its session open, and R-1's card posted. */
  async function start(extraEnv: Record<string, string> = {}) {
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
      DATABASE_URL: url,
      GONOGO_INSTANCE_ID: `g${n}`,
      ...extraEnv,
    });
    instances.push(...(await Promise.all([1, 2, 3].map((n) => startGonogo(env(n), 30_000)))));
    for (const g of instances) await until(`${g.port} to hold a gateway session`, 15_000, () => (g.stderr().includes("discord connected") ? true : undefined));
    const base = (user: FakeMember) => ({ world, user });
    const answers = (id: string) => fake!.calls.filter((c) => c.method === "POST" && c.path.startsWith(`/interactions/${id}/`) && c.status < 300);

    const created = fake.dispatchInteraction(slashCommand(base(member(0)), "create", { service: "payments", version: "1.4.2" }));
    expect((await fake.callbackFor(created.id, 5_000)).body).toMatchObject({ type: CALLBACK.message });
    const isCard = (c: FakeCall) => c.method === "POST" && c.path === `/channels/${world.channelId}/messages` && c.status === 200 && JSON.stringify(c.body.embeds ?? []).includes("R-1");
    const card = String((await fake.waitFor(isCard, 5_000)).response.id);
    return { url, world, base, answers, card, fake: fake };
  }

  it("one instance SIGTERMed mid-storm (a rolling restart): every press it claimed is answered, every press gets exactly one answer, no vote is lost", async () => {
    const { base, answers, card, fake } = await start();

    // The storm: each voter presses once and waits for the answer, as a person does; Discord
    // shows "This interaction failed" when none comes within 3 s.
    const victim = instances[0]!;
    let stopped: Promise<void> | undefined;
    const pressed: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < PRESSES) {
        const voter = member(100 + next++);
        const raw = fake.dispatchInteraction(buttonPress(base(voter), buttonCustomId("go", "R-1"), card));
        pressed.push(raw.id);
        await fake.callbackFor(raw.id, 3_000).catch(() => undefined);
        if (next >= PRESSES / 3 && !stopped) stopped = victim.stop();
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    await stopped;

    // Every press was answered, once (a second answer would be refused by Discord and show in the log).
    const unanswered = pressed.filter((id) => answers(id).length === 0);
    expect(unanswered, "presses nobody answered").toEqual([]);
    const { rows } = await sql!.query<{ n: string }>("SELECT count(*) AS n FROM votes WHERE release_seq = 1");
    expect(Number(rows[0]!.n)).toBe(PRESSES);
  }, 90_000);

  it("presses that wait on the database past the 2 s deferral on every instance: each voter ends up with the answer in the deferred reply, whichever instance deferred and whichever claimed it", async () => {
    const { url, base, card, fake } = await start();
    const voters = [7, 8, 9, 10, 11, 12].map((n) => member(n));
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    // What a write waits for first, on every instance: held until Discord has each deferral ("gonogo is thinking…").
    // Each instance's deferral timer races the others', and the claim goes to whichever gets the lock first: six presses
    // make it all but certain that some press is deferred by one instance and claimed by another.
    await locker.query("SELECT pg_advisory_lock($1)", [WRITER_LOCK]);
    const presses = voters.map((v) => fake.dispatchInteraction(buttonPress(base(v), buttonCustomId("go", "R-1"), card)));
    try {
      for (const p of presses) expect((await fake.callbackFor(p.id, 5_000)).body).toMatchObject({ type: CALLBACK.deferredMessage });
    } finally {
      await locker.query("SELECT pg_advisory_unlock($1)", [WRITER_LOCK]);
      await locker.end();
    }
    const original = (token: string) => (c: FakeCall) => c.path === `/webhooks/${fake.world.applicationId}/${token}/messages/@original`;
    // The vote's answer is edited into each deferred reply ("Your GO on R-1 is in"), and no instance deletes one.
    for (const p of presses) await until(`press ${p.id}'s deferred reply to carry its answer`, 10_000, () => fake.calls.find((c) => original(p.token)(c) && c.method === "PATCH" && c.status === 200 && String(c.body.content).includes("Your GO on R-1")));
    await Promise.all(instances.map((g) => g.stop()));
    for (const p of presses) expect(fake.calls.filter((c) => original(p.token)(c) && c.method === "DELETE"), `press ${p.id}'s deferred reply deleted`).toEqual([]);
    const { rows } = await sql!.query<{ n: string }>("SELECT count(*) AS n FROM votes WHERE release_seq = 1");
    expect(Number(rows[0]!.n)).toBe(voters.length);
  }, 90_000);

  it("an instance SIGTERMed while presses it will claim wait on the database: it answers them before it exits, so no voter is left with 'thinking…'", async () => {
    const { url, base, card, fake } = await start();
    const voters = [7, 8, 9, 10, 11, 12].map((n) => member(n));
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    let presses: Array<{ id: string; token: string }> = [];
    let stopped: Promise<void>;
    let victim: RunningGonogo;
    try {
      await locker.query("SELECT pg_advisory_lock($1)", [WRITER_LOCK]);
      presses = voters.map((v) => fake.dispatchInteraction(buttonPress(base(v), buttonCustomId("go", "R-1"), card)));
      for (const p of presses) expect((await fake.callbackFor(p.id, 5_000)).body).toMatchObject({ type: CALLBACK.deferredMessage });
      // The instance first in line for the lock takes it first once it goes, so it claims the first press at least.
      const waiting = await until("each instance to wait for the lock", 10_000, async () => {
        const { rows } = await locker.query<{ app: string }>("SELECT application_name AS app FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name LIKE 'gonogo-g%' ORDER BY query_start");
        return new Set(rows.map((r) => r.app)).size === 3 ? rows : undefined;
      });
      const name = waiting[0]!.app.slice("gonogo-".length);
      victim = instances[Number(name.slice(1)) - 1]!;
      // The rolling restart: SIGTERM, and the lock goes once the instance waits for the presses in flight, or
      // once it is closing its database (its LISTEN session is gone) if it does not wait for them.
      stopped = victim.stop();
      await until("the instance to wait for its presses or close its database", 10_000, async () => {
        if (victim.stderr().includes("interactions in flight")) return true;
        const { rows } = await locker.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1", [`gonogo-listen-${name}`]);
        return rows[0]!.n === 0 ? true : undefined;
      });
    } finally {
      await locker.query("SELECT pg_advisory_unlock($1)", [WRITER_LOCK]);
      await locker.end();
    }
    await stopped!;
    const original = (token: string) => (c: FakeCall) => c.path === `/webhooks/${fake.world.applicationId}/${token}/messages/@original`;
    for (const p of presses) await until(`press ${p.id}'s deferred reply to carry its answer`, 10_000, () => fake.calls.find((c) => original(p.token)(c) && c.method === "PATCH" && c.status === 200 && String(c.body.content).includes("Your GO on R-1")));
    const { rows } = await sql!.query<{ n: string }>("SELECT count(*) AS n FROM votes WHERE release_seq = 1");
    expect(Number(rows[0]!.n)).toBe(voters.length);
    // Nobody is told "Something went wrong … nothing was changed" about a vote that counted.
    const told = fake.calls.filter((c) => presses.some((p) => c.path.includes(p.token)) && /went wrong/.test(JSON.stringify(c.body ?? {})));
    expect(told.map((c) => `${c.method} ${c.status}: ${String(c.body.content ?? c.body.data?.content)}`), "apologies for counted votes").toEqual([]);
  }, 90_000);

  it("a no-go form and ten rollback confirmations, each delivered to all three: every one answered once, the no-go's reason on the card, one rollback, one webhook", async () => {
    const hook = await startWebhookReceiver(SECRET);
    try {
      const { base, card, fake, answers } = await start({ ROLLBACK_WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
      const once = async (raw: { id: string }) => {
        const first = await fake.callbackFor(fake.dispatchInteraction(raw).id, 5_000);
        return first.body as { type: number; data?: { content?: string; custom_id?: string } };
      };
      // The no-go form opens from whichever instance claims the press, and its submission (claimed by any) counts.
      const form = await once(buttonPress(base(member(4)), buttonCustomId("no_go", "R-1"), card));
      expect(form).toMatchObject({ type: CALLBACK.modal, data: { custom_id: expect.stringContaining(formCustomId("no_go", "R-1")) } });
      expect(String((await once(modalSubmit(base(member(4)), form.data!.custom_id!, { reason: "error budget spent" }, card))).data?.content)).toContain("NO-GO");
      await until("the card to quote the no-go's reason", 10_000, () => (JSON.stringify(fake.messages.get(card)?.body ?? {}).includes("error budget spent") ? true : undefined));

      // R-2 shipped, then ten rollback confirmations by the release manager, each to every instance.
      expect(String((await once(slashCommand(base(member(0)), "create", { service: "web", version: "3.0.0" }))).data?.content)).toContain("Created R-2");
      for (const voter of [member(1), member(2)]) expect((await once(slashCommand(base(voter), "vote", { id: "R-2", choice: "go" }))).type).toBe(CALLBACK.message);
      for (const sub of ["ship", "shipped"]) expect(String((await once(slashCommand(base(member(0)), sub, { id: "R-2" }))).data?.content)).not.toMatch(/went wrong/i);
      const submissions = Array.from({ length: 10 }, () => fake.dispatchInteraction(modalSubmit(base(member(0)), formCustomId("rollback", "R-2"), { reason: "error rate 5x" })));
      for (const s of submissions) expect(String(((await fake.callbackFor(s.id, 5_000)).body as { data?: { content?: string } }).data?.content)).not.toMatch(/went wrong/i);
      await until("the rollback webhook", 10_000, () => (hook.received.length > 0 ? true : undefined));
      await Promise.all(instances.map((g) => g.stop()));
      expect(hook.received).toHaveLength(1);
      for (const s of submissions) expect(answers(s.id)).toHaveLength(1);
    } finally {
      await hook.close();
    }
  }, 90_000);
});

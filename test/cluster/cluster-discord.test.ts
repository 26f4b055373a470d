import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buttonCustomId, formCustomId } from "../../adapters/discord/ids.js";
import { BOT_TOKEN, buttonPress, member, modalSubmit, slashCommand, type FakeMember } from "../../fakes/discord-fixtures.js";
import { startFakeDiscord, type FakeCall, type FakeDiscord, type Json } from "../../fakes/discord-server.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "../../fakes/round-robin-proxy.js";
import { CALLBACK, voteField } from "../discord/harness.js";
import { startGonogo, type RunningGonogo } from "../helpers/faults-program.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";
import { until } from "./until.js";

/**
 * The Discord half of the cluster test (issue 15): Discord's HTTP delivery (the Interactions
 * Endpoint URL) in front of three instances, each interaction signed by the fake with the
 * application's key and answered in the HTTP response by whichever instance the front chose.
 */

const SECRET = "whsec_" + Buffer.from("cluster-test-webhook-secret-32by").toString("base64");
const PRESSES = 600;
const WORKERS = 12;

describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "a Discord cluster of three on PostgreSQL" : `a Discord cluster of three on PostgreSQL ${SKIP_WITHOUT_POSTGRES}`, () => {
  let databases: TestDatabases;
  let fake: FakeDiscord | undefined;
  let proxy: RoundRobinProxy | undefined;
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
  let sql: pg.Pool | undefined;
  const instances: RunningGonogo[] = [];

  beforeAll(() => {
    databases = createTestDatabases(TEST_DATABASE_URL!);
  });
  afterAll(() => databases.dropAll(), 60_000);
  afterEach(async () => {
    await Promise.all(instances.map((g) => g.kill().catch(() => undefined)));
    instances.length = 0;
    // The test's own pool goes first: afterAll drops the database WITH (FORCE), and a connection still
    // open then would end in an unhandled "terminating connection" error.
    await sql?.end();
    await proxy?.close();
    await fake?.close();
    await hook?.close();
    proxy = fake = hook = sql = undefined;
  }, 60_000);

  it("three instances behind a round-robin front take a signed press storm, one SIGKILLed mid-storm: no acknowledged vote lost, the card ends true, the reminder once, one rollback webhook", async () => {
    const url = await databases.fresh();
    sql = new pg.Pool({ connectionString: url, max: 2 });
    sql.on("error", () => undefined); // an idle connection cut by the database's drop after the test
    fake = await startFakeDiscord();
    hook = await startWebhookReceiver(SECRET);
    const world = fake.world;
    const env = (n: number) => ({
      DISCORD_TOKEN: BOT_TOKEN,
      DISCORD_APPLICATION_ID: world.applicationId,
      DISCORD_GUILD_ID: world.guildId,
      DISCORD_API_URL: fake!.apiUrl,
      DISCORD_PUBLIC_KEY: fake!.publicKey,
      DATABASE_URL: url,
      GONOGO_INSTANCE_ID: `g${n}`,
      ROLLBACK_WEBHOOK_URL: hook!.url,
      WEBHOOK_SECRET: SECRET,
    });
    instances.push(...(await Promise.all([1, 2, 3].map((n) => startGonogo(env(n), 30_000)))));
    const ports = instances.map((g) => g.port);
    proxy = await startRoundRobinProxy(() => ports);
    const endpoint = `${proxy.url}/discord/interactions`;
    const post = (raw: unknown) => fake!.postInteraction(endpoint, raw);
    const base = (user: FakeMember) => ({ world, user });
    const manager = member(0);
    const command = async (sub: string, options: Parameters<typeof slashCommand>[2] = {}): Promise<Json> => {
      const answer = await post(slashCommand(base(manager), sub, options));
      expect(answer.status, sub).toBe(200);
      expect(answer.body, sub).toMatchObject({ type: CALLBACK.message });
      expect(String(answer.body.data.content)).not.toMatch(/went wrong/i);
      return answer.body;
    };
    const isCardPost = (id: string) => (c: FakeCall) =>
      c.method === "POST" && c.path === `/channels/${world.channelId}/messages` && c.status === 200 && !c.body.message_reference && JSON.stringify(c.body.embeds ?? []).includes(id);
    const cardEdits = (messageId: string) => fake!.calls.filter((c) => c.method === "PATCH" && c.path === `/channels/${world.channelId}/messages/${messageId}` && c.status === 200);

    // the storm's release, its T-1h reminder due mid-storm. R-2: shipped with two GO votes, to be rolled back.
    expect((await command("create", { service: "payments", version: "1.4.2", when: "in 1h 5s" })).data.content).toContain("Created R-1");
    const card = String((await fake.waitFor(isCardPost("R-1"), 5_000)).response.id);
    expect((await command("create", { service: "web", version: "3.0.0" })).data.content).toContain("Created R-2");
    const card2 = String((await fake.waitFor(isCardPost("R-2"), 5_000)).response.id);
    for (const voter of [member(1), member(2)]) {
      const answer = await post(buttonPress(base(voter), buttonCustomId("go", "R-2"), card2));
      expect(answer.body).toMatchObject({ type: CALLBACK.message });
    }
    await command("ship", { id: "R-2" });
    await command("shipped", { id: "R-2" });

    // The storm: PRESSES Go presses by distinct members, WORKERS at a time, spread over the
    // three by the front. Once a third are acknowledged, the instance holding R-1's card
    // lease is killed (SIGKILL: no goodbye).
    const acked = new Set<string>();
    let next = 0;
    let victim: RunningGonogo | undefined;
    let killing = false;
    const press = async (user: FakeMember) => {
      // Discord gives up on an unanswered interaction; the user presses again, and the
      // front may hand the same interaction to a live instance: it is not voted twice.
      const raw = buttonPress(base(user), buttonCustomId("go", "R-1"), card);
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const answer = await post(raw);
          if (answer.status !== 200) continue;
          // A private answer (4) or, for an interaction handled before, a silent update (6):
          // either way Discord shows the press as taken, so the vote is promised.
          const voted = answer.body.type === CALLBACK.message && !/went wrong/i.test(String(answer.body.data?.content));
          if (voted || answer.body.type === CALLBACK.deferredUpdate) return acked.add(`discord:${world.guildId}:${user.id}`);
        } catch {
          // The connection died with the process: not acknowledged, so not promised.
        }
      }
    };
    const worker = async () => {
      while (next < PRESSES) {
        await press(member(100 + next++));
        if (acked.size >= PRESSES / 3 && !killing) {
          // One worker kills; the others keep pressing meanwhile.
          killing = true;
          const { rows } = await sql!.query<{ holder: string | null }>("SELECT holder FROM card_leases WHERE message_id = $1", [card]);
          const holder = rows[0]?.holder ?? "g1";
          victim = instances[Number(holder.slice(1)) - 1]!;
          await victim.kill();
        }
      }
    };
    const stormStarted = Date.now();
    await Promise.all(Array.from({ length: WORKERS }, worker));
    expect(victim).toBeDefined();
    // The balancer's health check has noticed by now: the dead instance leaves the rotation.
    ports.splice(ports.indexOf(victim!.port), 1);
    expect(acked.size).toBeGreaterThanOrEqual(PRESSES - 10);

    // Every acknowledged vote is stored, once.
    const { rows: votes } = await sql.query<{ voter: string }>("SELECT voter FROM votes WHERE release_seq = 1");
    const stored = new Set(votes.map((r) => r.voter));
    expect(stored.size).toBe(votes.length);
    for (const voter of acked) expect(stored.has(voter), `acknowledged vote of ${voter} is stored`).toBe(true);

    // The card ends on the true tally within 10 s of the storm's end, though its lease holder died.
    await until("R-1's card to show every stored vote", 10_000, () => cardEdits(card).find((c) => voteField(c.body, "GO") !== undefined && c.body.embeds[0].fields.some((f: { name: string }) => f.name === `GO (${stored.size})`)));
    // At most one edit per second per card across the cluster (a little slack for the clocks' reads).
    expect(cardEdits(card).length).toBeLessThanOrEqual(Math.ceil((Date.now() - stormStarted) / 1000) + 2);

    // Ten rollback confirmations, each button press and modal submission through the front
    // (so on different instances, the killed one out of rotation): one webhook.
    await until("R-2's card to offer a rollback", 10_000, () =>
      cardEdits(card2).find((c) => JSON.stringify(c.body.components ?? []).includes(buttonCustomId("rollback", "R-2"))),
    );
    for (let i = 0; i < 10; i++) {
      const modal = await post(buttonPress(base(manager), buttonCustomId("rollback", "R-2"), card2));
      expect(modal.body).toMatchObject({ type: CALLBACK.modal, data: { custom_id: formCustomId("rollback", "R-2") } });
    }
    const submissions = await Promise.all(Array.from({ length: 10 }, () => post(modalSubmit(base(manager), formCustomId("rollback", "R-2"), { reason: "error rate 5x" }, card2))));
    for (const s of submissions) {
      expect(s.status).toBe(200);
      expect(String(s.body.data?.content ?? "")).not.toMatch(/went wrong/i);
    }
    await until("the rollback webhook", 10_000, () => (hook!.received.length > 0 ? true : undefined));
    // R-1's T-1h reminder (due mid-storm) goes out as a reply to the card, though one runner died.
    const reminders = () => fake!.calls.filter((c) => c.method === "POST" && c.status === 200 && c.body?.message_reference?.message_id === card && String(c.body.content).includes("T-1h: R-1"));
    await until("R-1's T-1h reminder", 15_000, () => reminders()[0]);
    // The survivors stop cleanly: whatever was in flight finishes, so a duplicate would show now.
    for (const g of instances.filter((g) => g !== victim)) await g.stop();
    expect(hook.received).toHaveLength(1);
    expect(reminders()).toHaveLength(1);
    const { rows: audit } = await sql.query<{ n: string }>("SELECT count(*) AS n FROM audit_events WHERE release_id = 'R-2' AND type = 'rollback_requested'");
    expect(Number(audit[0]!.n)).toBe(1);
  }, 60_000);
});

import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createFakeSlack, type FakeCall, type FakeSlack } from "../../fakes/slack-api.js";
import { startGonogo, type RunningGonogo } from "../helpers/faults-program.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "../../fakes/round-robin-proxy.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";
import { until } from "./until.js";
import { viewSubmissionPayload } from "../slack/harness.js";
import { BOT_TOKEN, blockActionsPayload, buttonsOf, interactiveBody, messageTs, postSigned, SIGNING_SECRET, slashBody, TEAM, USERS, visibleText } from "../slack/harness.js";

const SECRET = "whsec_" + Buffer.from("cluster-test-webhook-secret-32by").toString("base64");
const voterId = (i: number) => `UC${String(i).padStart(5, "0")}`;
const FORM = "application/x-www-form-urlencoded";

describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "a cluster of three on PostgreSQL" : `a cluster of three on PostgreSQL ${SKIP_WITHOUT_POSTGRES}`, () => {
  let databases: TestDatabases;
  let fake: FakeSlack | undefined;
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

  it("three instances behind a round-robin front, one SIGKILLed mid-storm: no acknowledged vote lost, cards end true, every job once, one rollback webhook", async () => {
    const url = await databases.fresh();
    sql = new pg.Pool({ connectionString: url, max: 2 });
    sql.on("error", () => undefined); // an idle connection cut by the database's drop after the test
    fake = await createFakeSlack({ teamId: TEAM, users: USERS });
    hook = await startWebhookReceiver(SECRET);
    const env = (n: number) => ({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake!.apiUrl,
      DATABASE_URL: url,
      GONOGO_INSTANCE_ID: `g${n}`,
      ROLLBACK_WEBHOOK_URL: hook!.url,
      WEBHOOK_SECRET: SECRET,
    });
    // Three at once: they migrate once between them (advisory lock) and all start.
    instances.push(...(await Promise.all([1, 2, 3].map((n) => startGonogo(env(n), 30_000)))));
    const ports = instances.map((g) => g.port);
    proxy = await startRoundRobinProxy(() => ports);
    const front = proxy.url;
    const slash = async (user: string, text: string) => {
      const res = await postSigned(front, slashBody(fake!, user, text), FORM);
      expect(res.status, text).toBe(200);
      return res;
    };
    const cardOf = (id: string) => fake!.waitFor("chat.postMessage", (c) => !c.params.thread_ts && visibleText(c).includes(id), 5_000);
    const metrics = await (await fetch(`http://127.0.0.1:${ports[1]}/metrics`)).text();
    expect(metrics).toContain('gonogo_instance_info{gonogo_instance="g2",database="postgres"} 1');

    // the storm's release, its T-1h reminder due mid-storm. R-2: T-0 in 8 s. R-3: shipped, to be rolled back.
    await slash("UMGR", "create payments 1.4.2 at in 1h 5s");
    const card = await cardOf("R-1");
    await slash("UMGR", "create api 2.0.0 at in 8s");
    const card2 = await cardOf("R-2");
    await slash("UMGR", "create web 3.0.0");
    const card3 = await cardOf("R-3");
    const go3 = buttonsOf(card3).get("Go")!;
    for (const user of ["UQA", "UDEV"]) expect((await postSigned(front, interactiveBody(blockActionsPayload(fake, user, card3, go3, "Go")), FORM)).status).toBe(200);
    await slash("UMGR", "ship R-3");
    await slash("UMGR", "shipped R-3");

    // The storm: 600 Go presses, 12 at a time, spread over the three by the front. Once 200
    // are acknowledged, the instance holding R-1's card lease is killed (SIGKILL: no goodbye).
    const go = buttonsOf(card).get("Go")!;
    const acked = new Set<string>();
    let next = 0;
    let victim: RunningGonogo | undefined;
    // Set before the lease lookup awaits, so two workers reaching the threshold together kill one instance, not two.
    let killing = false;
    const press = async (user: string) => {
      // A press the front could not deliver (the dead instance) is retried, as Slack retries an unanswered request.
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const res = await postSigned(front, interactiveBody(blockActionsPayload(fake!, user, card, go, "Go")), FORM);
          if (res.status === 200) return acked.add(`slack:${TEAM}:${user}`);
        } catch {
          // The connection died with the process: not acknowledged, so not promised.
        }
      }
    };
    const worker = async () => {
      while (next < 600) {
        await press(voterId(next++));
        if (acked.size >= 200 && !killing) {
          killing = true;
          const { rows } = await sql!.query<{ holder: string | null }>("SELECT holder FROM card_leases WHERE message_id = $1", [messageTs(card)]);
          const holder = rows[0]?.holder ?? "g1";
          victim = instances[Number(holder.slice(1)) - 1]!;
          await victim.kill();
        }
      }
    };
    const stormStarted = Date.now();
    await Promise.all(Array.from({ length: 12 }, worker));
    const stormEnded = Date.now();
    expect(victim).toBeDefined();
    // The balancer's health check has noticed by now: the dead instance leaves the rotation.
    ports.splice(ports.indexOf(victim!.port), 1);
    expect(acked.size).toBeGreaterThanOrEqual(590);

    // Every acknowledged vote is stored.
    const stored = new Set((await sql.query<{ voter: string }>("SELECT voter FROM votes WHERE release_seq = 1")).rows.map((r) => r.voter));
    for (const voter of acked) expect(stored.has(voter), `acknowledged vote of ${voter} is stored`).toBe(true);

    // The card ends on the true tally within 10 s of the storm's end, though its lease holder died.
    const ts = messageTs(card);
    const final = await until("R-1's card to show every stored vote", 10_000, () =>
      fake!.callsTo("chat.update").find((c) => c.params.ts === ts && visibleText(c).includes(`*GO* (${stored.size})`)),
    );
    expect(fake.calls.indexOf(final)).toBeGreaterThan(0);
    // At most one edit per second per card across the cluster (a little slack for the two clocks' reads).
    const edits = fake.callsTo("chat.update").filter((c) => c.params.ts === ts);
    expect(edits.length).toBeLessThanOrEqual(Math.ceil((Date.now() - stormStarted) / 1000) + 2);

    // Ten rollback confirmations, each opened and submitted through the front (so on different instances): one webhook.
    const shipped = await until("R-3's card to offer a rollback", 10_000, () =>
      fake!.callsTo("chat.update").find((c) => c.params.ts === messageTs(card3) && buttonsOf(c).has("Roll back")),
    );
    const rollBack = buttonsOf(shipped).get("Roll back")!;
    const modals: FakeCall[] = [];
    for (let i = 0; i < 10; i++) {
      const before = fake.callsTo("views.open").length;
      expect((await postSigned(front, interactiveBody(blockActionsPayload(fake, "UMGR", shipped, rollBack, "Roll back")), FORM)).status).toBe(200);
      modals.push(await until("a rollback modal", 5_000, () => fake!.callsTo("views.open")[before]));
    }
    const answers = await Promise.all(modals.map((m) => postSigned(front, interactiveBody(viewSubmissionPayload(m, "UMGR", { reason: "error rate 5x" })), FORM)));
    for (const a of answers) expect(a.status).toBe(200);
    await until("the rollback webhook", 10_000, () => (hook!.received.length > 0 ? true : undefined));

    // The T-1h reminder and T-0 fired exactly once each, though one runner died.
    const threadNotices = (c: FakeCall, parent: FakeCall, text: string) => c.params.thread_ts === messageTs(parent) && visibleText(c).includes(text);
    await until("R-1's T-1h reminder", 15_000, () => fake!.callsTo("chat.postMessage").find((c) => threadNotices(c, card, "T-1h: R-1")));
    await until("R-2's T-0", 15_000, () => fake!.callsTo("chat.postMessage").find((c) => threadNotices(c, card2, "T-0: ")));
    // The survivors stop cleanly: whatever was in flight finishes, so a duplicate would show now.
    for (const g of instances.filter((g) => g !== victim)) await g.stop();
    expect(fake.callsTo("chat.postMessage").filter((c) => threadNotices(c, card, "T-1h: R-1"))).toHaveLength(1);
    expect(fake.callsTo("chat.postMessage").filter((c) => threadNotices(c, card2, "T-0: "))).toHaveLength(1);
    const { rows: jobs } = await sql.query<{ n: string }>("SELECT count(*) AS n FROM jobs WHERE release_id = 'R-1' AND kind = 'reminder' AND done_at IS NOT NULL");
    expect(Number(jobs[0]!.n)).toBe(1);
    const { rows: t0 } = await sql.query<{ type: string; n: string }>("SELECT type, count(*) AS n FROM audit_events WHERE release_id = 'R-2' AND platform = 'scheduler' GROUP BY 1");
    expect(t0.length).toBeGreaterThan(0);
    for (const row of t0) expect(Number(row.n), `R-2's ${row.type} at T-0`).toBe(1);
    expect(hook.received).toHaveLength(1);
    const { rows: audit } = await sql.query<{ type: string; n: string }>("SELECT type, count(*) AS n FROM audit_events WHERE release_id = 'R-3' AND type = 'rollback_requested' GROUP BY 1");
    expect(audit.map((a) => Number(a.n))).toEqual([1]);
    // The survivors let go of their card leases on the way out.
    expect((await sql.query("SELECT 1 FROM card_leases WHERE holder IS NOT NULL AND holder <> $1", [`g${instances.indexOf(victim!) + 1}`])).rowCount).toBe(0);
    void stormEnded;
  }, 90_000);
});

import pg from "pg";
import { createFakeSlack, type FakeCall, type FakeSlack } from "../../fakes/slack-api.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "../../fakes/round-robin-proxy.js";
import { startGonogo, type RunningGonogo } from "../helpers/faults-program.js";
import type { TestDatabases } from "../helpers/postgres.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";
import { BOT_TOKEN, blockActionsPayload, buttonsOf, interactiveBody, postSigned, SIGNING_SECRET, slashBody, TEAM, USERS, visibleText } from "../slack/harness.js";

const SECRET = "whsec_" + Buffer.from("cluster-test-webhook-secret-32by").toString("base64");
const FORM = "application/x-www-form-urlencoded";

export interface ChaosCluster {
  url: string;
  fake: FakeSlack;
  hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  /** The operator's own connection: pg_stat_activity, pg_terminate_backend, locks. */
  sql: pg.Pool;
  instances: RunningGonogo[];
  /** Which instances the front sends to (an instance taken out is removed here). */
  ports: number[];
  front: string;
  proxy: RoundRobinProxy;
  slash(user: string, text: string): Promise<{ status: number; body: unknown }>;
  press(user: string, card: FakeCall, label: string): Promise<{ status: number; body: unknown }>;
  cardOf(id: string): Promise<FakeCall>;
  /** Ends the PostgreSQL sessions of instance `gN`: its pool's ("pool"), its LISTEN session ("listen"), or both. */
  terminate(n: number | "all", which: "pool" | "listen" | "both"): Promise<number>;
  close(): Promise<void>;
}

/**
 * `count` real gonogo processes (dist/main.js) named g1…gN on one fresh PostgreSQL database,
 * behind the round-robin front, with the fake Slack in HTTP mode and a webhook receiver.
 */
export async function startChaosCluster(databases: TestDatabases, count: number, extraEnv: Record<string, string> = {}, via: (url: string) => string = (url) => url): Promise<ChaosCluster> {
  const url = await databases.fresh();
  const sql = new pg.Pool({ connectionString: url, max: 3 });
  sql.on("error", () => undefined);
  const fake = await createFakeSlack({ teamId: TEAM, users: USERS });
  const hook = await startWebhookReceiver(SECRET);
  const env = (n: number) => ({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: via(url),
    GONOGO_INSTANCE_ID: `g${n}`,
    ROLLBACK_WEBHOOK_URL: hook.url,
    WEBHOOK_SECRET: SECRET,
    ...extraEnv,
  });
  const instances = await Promise.all(Array.from({ length: count }, (_, i) => startGonogo(env(i + 1), 30_000)));
  const ports = instances.map((g) => g.port);
  const proxy = await startRoundRobinProxy(() => ports);
  const front = proxy.url;
  const parse = (res: { status: number; body?: unknown }) => ({ status: res.status, body: res.body });
  return {
    url,
    fake,
    hook,
    sql,
    instances,
    ports,
    front,
    proxy,
    slash: async (user, text) => parse(await postSigned(front, slashBody(fake, user, text), FORM)),
    press: async (user, card, label) => parse(await postSigned(front, interactiveBody(blockActionsPayload(fake, user, card, buttonsOf(card).get(label)!, label)), FORM)),
    cardOf: (id) => fake.waitFor("chat.postMessage", (c) => !c.params.thread_ts && visibleText(c).includes(id), 5_000),
    async terminate(n, which) {
      const names = (k: number) => (which === "pool" ? [`gonogo-g${k}`] : which === "listen" ? [`gonogo-listen-g${k}`] : [`gonogo-g${k}`, `gonogo-listen-g${k}`]);
      const wanted = n === "all" ? instances.flatMap((_, i) => names(i + 1)) : names(n);
      const { rows } = await sql.query<{ ended: boolean }>("SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND application_name = ANY($1)", [wanted]);
      return rows.filter((r) => r.ended).length;
    },
    async close() {
      await Promise.all(instances.map((g) => g.kill().catch(() => undefined)));
      await sql.end();
      await proxy.close();
      await fake.close();
      await hook.close();
    },
  };
}

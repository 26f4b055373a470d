import { createServer, connect, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";
import { blockActionsPayload, buttonsOf, interactiveBody, messageTs, postSigned, slashBody, visibleText } from "../slack/harness.js";
import { startChaosCluster, type ChaosCluster } from "./chaos-cluster.js";
import { until } from "./until.js";

const FORM = "application/x-www-form-urlencoded";

/** A TCP hop in front of PostgreSQL; `silence()` makes every connection open so far go quiet (a primary that vanished), new ones pass. */
async function tcpHop(target: URL) {
  const open: Array<{ a: Socket; b: Socket }> = [];
  const server = createServer((a) => {
    const b = connect(Number(target.port || 5432), target.hostname);
    const pair = { a, b };
    open.push(pair);
    a.on("data", (d) => { if (open.includes(pair)) b.write(d); });
    b.on("data", (d) => { if (open.includes(pair)) a.write(d); });
    a.on("error", () => undefined); b.on("error", () => undefined);
    a.on("close", () => b.destroy()); b.on("close", () => a.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const silenced: typeof open = [];
  return {
    port,
    silence() { silenced.push(...open.splice(0)); },
    close() { for (const p of [...open, ...silenced]) { p.a.destroy(); p.b.destroy(); } return new Promise<void>((r) => server.close(() => r())); },
  };
}

describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "a failover whose old primary stops answering" : `a failover whose old primary stops answering ${SKIP_WITHOUT_POSTGRES}`, () => {
  let databases: TestDatabases;
  let cluster: ChaosCluster | undefined;
  let hop: Awaited<ReturnType<typeof tcpHop>> | undefined;
  beforeAll(() => {
    databases = createTestDatabases(TEST_DATABASE_URL!);
  });
  afterAll(() => databases.dropAll(), 60_000);
  afterEach(async () => {
    await cluster?.close();
    await hop?.close();
    cluster = hop = undefined;
  }, 60_000);

  /** One instance whose database connections pass through a TCP hop that the test can silence. */
  async function behindHop() {
    const h = (hop = await tcpHop(new URL(TEST_DATABASE_URL!)));
    const through = (url: string) => {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(h.port);
      return u.toString();
    };
    const c = (cluster = await startChaosCluster(databases, 1, {}, through));
    return { h, c, at: `http://127.0.0.1:${c.ports[0]!}` };
  }

  it("every connection open so far goes silent, new ones reach the new primary: a vote pressed then is stored and its voter told within seconds, and the next press is answered in time", async () => {
    const { h, c, at } = await behindHop();
    expect((await postSigned(at, slashBody(c.fake, "UMGR", "create payments 1.4.2 at in 2h"), FORM)).status).toBe(200);
    const card = await c.cardOf("R-1");
    const press = (user: string) => postSigned(at, interactiveBody(blockActionsPayload(c.fake, user, card, buttonsOf(card).get("Go")!, "Go")), FORM);
    expect((await press("UQA")).status).toBe(200);
    h.silence();
    const silencedAt = Date.now();
    // Slack gives up after 3 s; the vote waits on a connection that will never answer.
    expect((await press("UDEV")).status).not.toBe(200);
    const storedAfter = await until("UDEV's vote to be stored", 30_000, async () => ((await c.sql.query("SELECT 1 FROM votes WHERE voter = 'slack:T1:UDEV'")).rowCount ? Date.now() - silencedAt : undefined));
    expect(storedAfter).toBeLessThan(25_000);
    const told = await c.fake.waitFor("chat.postEphemeral", (e) => e.params.user === "UDEV", 10_000);
    expect(visibleText(told)).toContain("It went through: Your GO on R-1");
    expect((await press("USEC")).status).toBe(200);
  }, 90_000);

  it("a T-0 due seconds after the old primary went silent runs within seconds, not when TCP gives up", async () => {
    const { h, c, at } = await behindHop();
    expect((await postSigned(at, slashBody(c.fake, "UMGR", "create payments 1.4.2 at in 6s"), FORM)).status).toBe(200);
    const card = await c.cardOf("R-1");
    await until("the card's post to be recorded", 5_000, async () => ((await c.sql.query("SELECT 1 FROM card_leases")).rowCount ? true : undefined));
    h.silence();
    const t = Date.now();
    // Due 6 s after its creation; the runner's next claim, or the one under way, waits on a silent connection.
    await c.fake.waitFor("chat.postMessage", (m) => m.params.thread_ts === messageTs(card) && visibleText(m).includes("T-0: "), 30_000);
    expect(Date.now() - t).toBeLessThan(20_000);
    expect(c.fake.callsTo("chat.postMessage").filter((m) => !m.params.thread_ts)).toHaveLength(1);
  }, 90_000);
});

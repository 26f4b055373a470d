import pg from "pg";
import { expect, it } from "vitest";
import { TEST_DATABASE_URL } from "../helpers/postgres.js";
import { visibleText } from "../slack/harness.js";
import { describeChaos } from "./describe-chaos.js";
import { until } from "./until.js";

const voterId = (i: number) => `UV${String(i).padStart(5, "0")}`;

describeChaos("a cluster whose database connections are cut", (start) => {
  it("one instance's pool connections cut again and again mid-storm: every press is stored, or its voter is told it was not", async () => {
    const c = await start(2);
    await c.slash("UMGR", "create payments 1.4.2 at in 2h");
    const card = await c.cardOf("R-1");
    const outcomes = new Map<string, number>();
    let next = 0;
    let cuts = 0;
    let done = 0;
    const worker = async () => {
      while (next < 300) {
        const user = voterId(next++);
        const res = await c.press(user, card, "Go").catch(() => ({ status: 0, body: null }));
        outcomes.set(user, res.status);
        if (++done % 40 === 0) cuts += await c.terminate(1, "pool");
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(cuts).toBeGreaterThan(0);
    const stored = new Set((await c.sql.query<{ voter: string }>("SELECT voter FROM votes WHERE release_seq = 1")).rows.map((r) => r.voter.split(":").at(-1)!));
    const told = new Set(c.fake.callsTo("chat.postEphemeral").map((e) => String(e.params.user)));
    const lost = [...outcomes].filter(([user, status]) => status === 200 && !stored.has(user) && !told.has(user));
    // The cut instance lives on: a cut connection is one failed statement, not a crashed process.
    expect(c.instances.map((g) => g.child.exitCode ?? g.child.signalCode)).toEqual([null, null]);
    expect(new Set(outcomes.values())).toEqual(new Set([200]));
    expect(lost).toEqual([]);
    for (const user of told) expect(stored.has(user), `${user} was told it failed, yet it is stored`).toBe(false);
    await until("the card to show every stored vote", 10_000, () => c.fake.callsTo("chat.update").find((u) => visibleText(u).includes(`*GO* (${stored.size})`)));
  }, 90_000);

  it("a failover (every session ended, the database refusing connections for a while): /readyz is 503 meanwhile, a press is refused with what to do, and every instance serves again without a restart", async () => {
    const c = await start(2);
    await c.slash("UMGR", "create payments 1.4.2 at in 2h");
    const card = await c.cardOf("R-1");
    expect((await c.press("UQA", card, "Go")).status).toBe(200);
    const name = new URL(c.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const ready = (port: number) => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status);
    try {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
      for (const port of c.ports) await until(`instance on ${port} to answer 503`, 10_000, async () => ((await ready(port)) === 503 ? true : undefined));
      const refused = await c.press("UDEV", card, "Go");
      expect(refused.status).toBe(200);
      const told = await c.fake.waitFor("chat.postEphemeral", (e) => e.params.user === "UDEV", 10_000);
      expect(visibleText(told)).toMatch(/try again/i);
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    for (const port of c.ports) await until(`instance on ${port} to answer 200`, 10_000, async () => ((await ready(port)) === 200 ? true : undefined));
    for (const user of ["UDEV", "USEC"]) expect((await c.press(user, card, "Go")).status).toBe(200);
    await until("the card to show three GO votes", 10_000, () => c.fake.callsTo("chat.update").find((u) => visibleText(u).includes("*GO* (3)")));
    expect(c.instances.map((g) => g.child.exitCode ?? g.child.signalCode)).toEqual([null, null]);
  }, 90_000);
});

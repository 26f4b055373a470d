import pg from "pg";
import { expect, it } from "vitest";
import { visibleText } from "../slack/harness.js";
import { WRITER_LOCK } from "../../db/postgres/transactions.js";
import { describeChaos } from "./describe-chaos.js";
import { until } from "./until.js";

describeChaos("a cluster on a slow database", (start) => {
  it("a vote pressed while the votes table is locked past Slack's 3 s: Slack gives up on it, and once the lock goes the voter is told it counts (stored once, on the card)", async () => {
    const c = await start(2);
    await c.slash("UMGR", "create payments 1.4.2 at in 2h");
    const card = await c.cardOf("R-1");
    expect((await c.press("UQA", card, "Go")).status).toBe(200);
    const locker = new pg.Client({ connectionString: c.url });
    await locker.connect();
    try {
      await locker.query("BEGIN; LOCK TABLE votes IN ACCESS EXCLUSIVE MODE");
      // Slack's 3 s pass with the vote still waiting: Bolt answers for gonogo, and Slack shows the voter an error.
      expect((await c.press("UDEV", card, "Go")).status).not.toBe(200);
      expect(c.fake.callsTo("chat.postEphemeral")).toEqual([]);
    } finally {
      await locker.query("COMMIT");
      await locker.end();
    }
    const told = await c.fake.waitFor("chat.postEphemeral", (e) => e.params.user === "UDEV", 10_000);
    expect(visibleText(told)).toContain("Your GO on R-1");
    expect(visibleText(told)).toMatch(/no need to press again/i);
    await until("the card to show both votes", 10_000, () => c.fake.callsTo("chat.update").find((u) => visibleText(u).includes("*GO* (2)")));
    const { rows } = await c.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM votes WHERE release_seq = 1 AND voter = $1", ["slack:T1:UDEV"]);
    expect(rows[0]!.n).toBe(1);
  }, 60_000);

  it("a command while every write waits on a slow database past Slack's 3 s: once it commits, its answer reaches the person through the command's response_url", async () => {
    const c = await start(2);
    await c.slash("UMGR", "create payments 1.4.2 at in 2h");
    await c.cardOf("R-1");
    const locker = new pg.Client({ connectionString: c.url });
    await locker.connect();
    try {
      // What a write waits for first, on every instance (db/postgres/transactions.ts): held here for longer than Slack waits.
      await locker.query("SELECT pg_advisory_lock($1)", [WRITER_LOCK]);
      expect((await c.slash("UQA", "vote R-1 go")).status).not.toBe(200);
    } finally {
      await locker.query("SELECT pg_advisory_unlock($1)", [WRITER_LOCK]);
      await locker.end();
    }
    const answer = await until("the answer through the response_url", 10_000, () => c.fake.calls.find((call) => call.method === "response_url" && visibleText(call).includes("Your GO on R-1")));
    expect(visibleText(answer)).toMatch(/no need to (press|run it) again/i);
  }, 60_000);
});

import { expect, it } from "vitest";
import { buttonsOf, interactiveBody, messageTs, postSigned, viewSubmissionPayload, visibleText } from "../slack/harness.js";
import { describeChaos } from "./describe-chaos.js";
import { until } from "./until.js";

const FORM = "application/x-www-form-urlencoded";

describeChaos("a rolling restart during an incident", (start) => {
  it("the instance holding the card after a rollback, waiting out Slack's rate limit, is SIGTERMed: it stops at once, one webhook, and another instance shows who rolled back and why at once", async () => {
    const c = await start(3);
    await c.slash("UMGR", "create web 3.0.0");
    const card = await c.cardOf("R-1");
    for (const user of ["UQA", "UDEV"]) expect((await c.press(user, card, "Go")).status).toBe(200);
    expect((await c.slash("UMGR", "ship R-1")).status).toBe(200);
    expect((await c.slash("UMGR", "shipped R-1")).status).toBe(200);
    const ts = messageTs(card);
    const shipped = await until("the card to offer a rollback", 10_000, () => c.fake.callsTo("chat.update").find((u) => u.params.ts === ts && buttonsOf(u).has("Roll back")));
    expect((await c.press("UMGR", shipped, "Roll back")).status).toBe(200);
    const modal = await c.fake.waitFor("views.open", () => true, 5_000);
    const holderOf = async () => (await c.sql.query<{ holder: string | null }>("SELECT holder FROM card_leases WHERE message_id = $1", [ts])).rows[0]?.holder ?? null;
    // Slack rate-limits the rollback's edit of the card: the instance that took it holds the card's lease and waits 20 s as Slack asks.
    c.fake.failNext("chat.update", { status: 429, retryAfter: 20 });
    const editsBefore = c.fake.callsTo("chat.update").length;
    expect((await postSigned(c.front, interactiveBody(viewSubmissionPayload(modal, "UMGR", { reason: "error rate 5x" })), FORM)).status).toBe(200);
    const holder = await until("an instance to hold the card", 10_000, async () => (await holderOf()) ?? undefined);
    const victim = c.instances[Number(holder.slice(1)) - 1]!;
    const t = Date.now();
    await victim.stop();
    const stoppedAt = Date.now();
    c.ports.splice(c.ports.indexOf(victim.port), 1);
    // A rolling restart does not wait out Slack's 20 s: the instance stops at once and lets go of the card.
    expect(stoppedAt - t).toBeLessThan(5_000);
    expect(await holderOf()).not.toBe(holder);
    await until("the rollback webhook", 10_000, () => (c.hook.received.length > 0 ? true : undefined));
    // Another instance edits the card at once (within the sweep's second), not after the card's 5 s lease runs out.
    const rolled = await until("the card to show who rolled back and why", 10_000, () => c.fake.callsTo("chat.update").slice(editsBefore).find((u) => u.params.ts === ts && visibleText(u).includes("rollback by mia: error rate 5x")));
    expect(rolled.at - stoppedAt).toBeLessThan(3_000);
    expect(visibleText(rolled)).toContain("Rolling back");
    for (const g of c.instances.filter((g) => g !== victim)) await g.stop();
    expect(c.hook.received).toHaveLength(1);
  }, 90_000);
});

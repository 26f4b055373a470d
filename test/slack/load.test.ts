import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeCall } from "../../fakes/slack-api.js";
import { blockActionsPayload, buttonsOf, interactiveBody, messageTs, postSigned, startHarness, visibleText, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  // Quorum 300 keeps the release voting while hundreds of people vote.
  h = await startHarness({ config: { quorum: 300 } });
});
afterEach(async () => {
  await h.close();
});

async function createRelease(): Promise<FakeCall> {
  await h.slash("UMGR", "create payments 1.4.2 at in 2h env production");
  return h.fake.waitFor("chat.postMessage");
}

const userId = (i: number) => `UV${String(i).padStart(6, "0")}`;

describe("Slack under load", () => {
  it("acks 200 concurrent Go presses and ends on the true tally with a handful of updates", async () => {
    const card = await createRelease();
    const go = buttonsOf(card).get("Go")!;
    // The clock stands still while the storm lasts: every press lands within one edit interval.
    h.core.clock.fastForward(false);
    const presses = Array.from({ length: 200 }, (_, i) => postSigned(h.url, interactiveBody(blockActionsPayload(h.fake, userId(i), card, go, "Go")), "application/x-www-form-urlencoded"));
    const results = await Promise.all(presses);
    expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    // Every acknowledged press is already a stored vote.
    expect((await h.core.store.getVotes("R-1"))).toHaveLength(200);

    await h.core.settle();
    const final = await h.fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("*GO* (200)"), 8000);
    expect(final.result).toMatchObject({ ok: true });
    await h.core.bot.idle();
    const updates = h.fake.callsTo("chat.update");
    // Coalesced to about one per second while the storm lasts, never one per vote.
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(8);
    expect(visibleText(updates[updates.length - 1]!)).toContain("*GO* (200)");
    expect((await h.core.store.getVotes("R-1"))).toHaveLength(200);
  });

  it("waits as long as Slack's Retry-After says when chat.update is rate limited, then lands the update", async () => {
    const card = await createRelease();
    h.fake.failNext("chat.update", { status: 429, retryAfter: 1 });
    await h.press("UQA", card, "Go");
    const landed = await h.fake.waitFor("chat.update", (c) => c.result?.ok === true, 6000);
    expect(visibleText(landed)).toContain("<@UQA>");
    const [limited, retried] = h.fake.callsTo("chat.update");
    expect(limited?.result).toMatchObject({ ok: false, error: "ratelimited" });
    expect(retried?.result).toMatchObject({ ok: true });
    // The refused edit comes back at once and the core waits out the Retry-After on its own clock (the test's, here).
    expect(h.logs.some((l) => l.level === "warn" && /rate limited/.test(l.msg))).toBe(true);
    expect(h.core.logs.find((l) => l.msg === "card update failed; retrying")?.obj).toMatchObject({ retryInMs: 1000, platform: "slack" });
  });

  it("posts a thread notice at once while a card edit waits out a long Retry-After", async () => {
    const card = await createRelease();
    h.fake.failNext("chat.update", { status: 429, retryAfter: 30 });
    await h.press("UQA", card, "Go");
    await h.fake.waitFor("chat.update", (c) => c.result?.ok === false);
    await h.slash("UDEV", "vote R-1 no-go migration not tested");
    // Before, the refused edit paused every call of the card client for the 30 s, this notice too.
    const notice = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === messageTs(card) && visibleText(c).includes("migration not tested"), 5000);
    expect(notice.result).toMatchObject({ ok: true });
  });

  it("keeps the card within Slack's limits for a release with 100 voters", async () => {
    const card = await createRelease();
    for (let i = 0; i < 100; i++) {
      const text = i % 4 === 0 ? `vote R-1 no-go ${"the migration is not reversible and staging is still red ".repeat(8)}` : i % 4 === 1 ? "vote R-1 abstain" : "vote R-1 go";
      const res = await postSigned(
        h.url,
        new URLSearchParams({ team_id: "T1", channel_id: "C1", user_id: userId(i), user_name: `voter${i}`, command: "/release", text, trigger_id: `t${i}`, response_url: `${h.fake.origin}/respond/x` }).toString(),
        "application/x-www-form-urlencoded",
      );
      expect(res.status).toBe(200);
    }
    const final = await h.fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("*GO* (50)") && visibleText(c).includes("*NO-GO* (25)") && visibleText(c).includes("*Abstain* (25)"), 8000);
    // The fake answers like Slack: invalid_blocks or msg_blocks_too_long if a limit were broken.
    expect(final.result).toMatchObject({ ok: true });
    const blocks = final.params.blocks as unknown[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    await h.core.bot.idle();
    expect(h.fake.callsTo("chat.update").every((c) => c.result?.ok === true)).toBe(true);
  });
});

describe("Slack when lookups are rate limited", () => {
  it("still opens the no-go form at once when users.info answers 429", async () => {
    const card = await createRelease();
    h.fake.failNext("users.info", { status: 429, retryAfter: 30 }, 5);
    h.fake.failNext("usergroups.list", { status: 429, retryAfter: 30 }, 5);
    const res = await h.press("UNEW", card, "No-go");
    expect(res.status).toBe(200);
    // Lookups are best-effort: the press goes through on the payload's name, and nothing
    // waits out the 30 s Retry-After (the trigger_id only lives 3 s).
    const modal = await h.fake.waitFor("views.open", undefined, 2500);
    expect(modal.result).toMatchObject({ ok: true });
  });
});

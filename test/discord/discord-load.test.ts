import { afterEach, describe, expect, it } from "vitest";
import { member } from "../../fakes/discord-fixtures.js";
import { CALLBACK, startHarness, voteField, type Harness } from "./harness.js";
import { limitProblems } from "./limits-check.js";

describe("Discord under load and rate limits", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("answers 100 concurrent Go presses and the card's last edit shows all 100, within Discord's limits", async () => {
    // The production edit interval: a storm of presses must coalesce into a few edits.
    h = await startHarness({ minUpdateIntervalMs: 1000 });
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2", description: "https://git.example.com/payments/compare/1.4.1...1.4.2" });
    const msgId = await h.cardMessageId("R-1");

    // The clock stands still while the storm lasts: every press lands within one edit interval.
    h.core.clock.fastForward(false);
    const voters = Array.from({ length: 100 }, (_, i) => member(i + 1));
    const answers = await Promise.all(voters.map((v) => h.press(v, "go", "R-1", msgId)));
    expect(answers).toHaveLength(100);
    // Type 4 (not a deferral, type 5) means each answer beat the 2 s defer threshold, inside Discord's 3 s.
    for (const a of answers) expect(a).toMatchObject({ type: CALLBACK.message, data: { flags: 64, content: expect.stringContaining("GO on R-1") } });

    const card = await h.card(msgId);
    expect(card.embeds[0].footer.text).toContain("100 go");
    expect(card.embeds[0].description).toContain("GO");
    expect(voteField(card, "GO")).toMatch(/^• Member 1\n/);
    expect(card.embeds[0].fields.find((f: { name: string }) => f.name.startsWith("GO ")).name).toBe("GO (100)");
    expect(limitProblems(card)).toEqual([]);
    const edits = h.fake.messages.get(msgId)!.edits;
    expect(edits).toBeGreaterThan(0);
    expect(edits).toBeLessThanOrEqual(5);
  });

  it("waits out a 429 on a card edit and still lands the latest tally", async () => {
    h = await startHarness();
    await h.command(h.admin, "create", { service: "search", version: "2.0.0" });
    const msgId = await h.cardMessageId("R-1");
    h.fake.rateLimit({ method: "PATCH", pathPrefix: "/channels/", times: 1, retryAfter: 0.3 });

    await h.press(member(1), "go", "R-1", msgId);
    await h.press(member(2), "abstain", "R-1", msgId);
    const card = await h.card(msgId);
    expect(card.embeds[0].footer.text).toContain("1 go · 0 no-go · 1 abstain");
    const patches = h.fake.calls.filter((c) => c.method === "PATCH");
    expect(patches[0]!.status).toBe(429);
    expect(patches.at(-1)!.status).toBe(200);
    expect(h.logs.some((l) => l.level === "warn" && l.msg.includes("rate limited"))).toBe(true);
  });
});

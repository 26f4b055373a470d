import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member } from "../../fakes/discord-fixtures.js";
import { startHarness, type Harness } from "./harness.js";

/** A NO-GO card on Discord still says what else the decision waits for, after the NO-GO. */

describe("Discord: a NO-GO card", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("shows the NO-GO first, then the quorum, sign-offs and criteria still open, and keeps the lock among the guardrails", async () => {
    await h.command(h.admin, "policy", { set: "require=qa" });
    await h.command(h.admin, "criteria", { set: "changelog" });
    await h.command(h.admin, "lock", { action: "lock", service: "payments", reason: "incident 7" });
    await h.command(member(1), "create", { service: "payments", version: "1.4.2" });
    const msgId = await h.cardMessageId("R-1");
    await h.press(member(2), "go", "R-1", msgId);
    await h.command(member(3), "vote", { id: "R-1", choice: "no-go", reason: "CVE-2030-1234 not patched" });
    await h.core.bot.idle();
    const embed = (await h.card(msgId)).embeds[0];
    expect(embed.description).toMatch(/^\*\*NO-GO: blocked by no-go from Member 3: CVE-2030-1234 not patched\*\*\nAlso pending: 1 of 2 GO · waiting for qa · criteria open: changelog/);
    const guardrails = (embed.fields as Array<{ name: string; value: string }>).find((f) => f.name === "Guardrails");
    expect(guardrails?.value).toContain("🔒 payments production is locked by");
  });

  it("says a no-go's reason once in the thread: the vote, then the decision that already quotes it", async () => {
    const manager = member(1);
    await h.command(manager, "create", { service: "payments", version: "1.4.2" });
    const msgId = await h.cardMessageId("R-1");
    const reason = "migration not rehearsed on staging; see the runbook section on rollbacks first";
    const modal = await h.press(member(4), "no_go", "R-1", msgId);
    await h.submit(member(4), modal.data.custom_id, { reason }, msgId);
    await h.core.settle();
    const said = h.notices(msgId).map((c) => String(c.body.content));
    expect(said).toEqual([`🛑 Member 4 voted NO-GO on R-1. Decision: NO-GO: blocked by no-go from Member 4: ${reason}; also pending: 0 of 2 GO.\n<@${manager.id}>`]);
  });
});

describe("Discord: changing a no-go's reason", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("opens the No-go form again with the voter's current reason filled in, and saving replaces it", async () => {
    await h.command(member(1), "create", { service: "payments", version: "1.4.2" });
    const msgId = await h.cardMessageId("R-1");
    const first = await h.press(member(4), "no_go", "R-1", msgId);
    await h.submit(member(4), first.data.custom_id, { reason: "migration not rehearsed" }, msgId);
    const again = await h.press(member(4), "no_go", "R-1", msgId);
    expect(again.data.title).toBe("Edit your no-go: R-1");
    expect(again.data.components[0].content).toContain("Your current reason is filled in");
    expect(again.data.components[1].component.value).toBe("migration not rehearsed");
    // Someone without a no-go gets the empty form.
    const other = await h.press(member(5), "no_go", "R-1", msgId);
    expect(other.data.title).toBe("No-go on R-1");
    expect(other.data.components[1].component.value).toBeUndefined();
    const saved = await h.submit(member(4), again.data.custom_id, { reason: "migration rehearsed, but the rollback is not" }, msgId);
    expect(saved.data.content).toContain("Your NO-GO on R-1 stands; its reason is now");
  });
});

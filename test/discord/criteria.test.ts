import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member } from "../../fakes/discord-fixtures.js";
import { CALLBACK, startHarness, type Harness } from "./harness.js";

const EPHEMERAL = 64;

interface Row {
  components: Array<{ type: number; custom_id: string; options?: Array<{ label: string; value: string }> }>;
}

describe("Discord: ticking a readiness criterion from the card", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: { quorum: 1 } });
  });
  afterEach(async () => {
    await h.close();
  });

  it("offers a criteria menu, refuses someone the criterion does not name, and a qa holder passes it with a link through a modal", async () => {
    const [mia, quinn, dev] = [member(1), member(2), member(3)];
    expect((await h.command(h.admin, "criteria", { set: "tests:qa, changelog" })).data.content).toContain("Readiness criteria for new releases here: tests:qa, changelog.");
    await h.command(h.admin, "role", { action: "grant", who: { user: quinn }, role: "qa" });
    await h.command(mia, "create", { service: "payments", version: "1.4.2" });
    const msgId = await h.cardMessageId("R-1");
    const posted = await h.card(msgId);
    const criteria = (posted.embeds[0].fields as Array<{ name: string; value: string }>).find((f) => f.name === "Readiness criteria");
    expect(criteria?.value).toBe("⏳ **tests** pending\n⏳ **changelog** pending");
    const menu = (posted.components as Row[]).flatMap((r) => r.components).find((c) => c.type === 3)!;
    expect(menu.custom_id).toBe("g1:s:check:R-1");
    expect(menu.options!.map((o) => o.value)).toEqual(["tests:pass", "tests:fail", "changelog:pass", "changelog:fail"]);

    // The menu is the same for everyone; a member without qa is refused privately, and no modal opens.
    const refused = await h.select(dev, menu.custom_id, ["tests:pass"], msgId);
    expect(refused.type).toBe(CALLBACK.message);
    expect(refused.data.flags).toBe(EPHEMERAL);
    expect(refused.data.content).toContain("Only holders of the qa role and admins may tick tests on R-1. Ask an admin to grant you qa");

    const modal = await h.select(quinn, menu.custom_id, ["tests:pass"], msgId);
    expect(modal.type).toBe(CALLBACK.modal);
    expect(modal.data.custom_id).toMatch(/^g1:f:check:R-1:tests:pass@[0-9a-f]{8}$/);
    const done = await h.submit(quinn, modal.data.custom_id, { note: "suite green https://ci.example/run/42" }, msgId);
    expect(done.type).toBe(CALLBACK.message);
    expect(done.data.content).toContain("tests on R-1 is passed ✅");

    const card = await h.card(msgId);
    const after = (card.embeds[0].fields as Array<{ name: string; value: string }>).find((f) => f.name === "Readiness criteria")!.value;
    expect(after).toMatch(/^✅ \*\*tests\*\* passed by Member 2 · <t:\d+:R> — suite green · \[evidence\]\(https:\/\/ci\.example\/run\/42\)\n⏳ \*\*changelog\*\* pending$/);
    expect(card.embeds[0].description).toContain("Pending: 0 of 1 GO · criteria open: changelog");
    expect((await h.core.store.listCriteria("R-1"))[0]).toMatchObject({ status: "passed", setBy: `discord:${h.fake.world.guildId}:${quinn.id}`, url: "https://ci.example/run/42" });

    // The same tick as a typed subcommand.
    const typed = await h.command(mia, "check", { id: "R-1", criterion: "changelog", result: "pass", note: "CHANGELOG.md updated" });
    expect(typed.data.content).toContain("changelog on R-1 is passed ✅. Decision: Pending: 0 of 1 GO.");
    expect((await h.press(dev, "go", "R-1", msgId)).data.content).toContain("Decision: GO");
  });
});

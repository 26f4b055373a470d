import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member } from "../../fakes/discord-fixtures.js";
import { startHarness, type Harness } from "./harness.js";

/** The thread notice of a rollback calls the release manager: not when that is who rolled it back. */
describe("Discord: the rollback notice", () => {
  let h: Harness;
  let msgId: string;
  const manager = member(1);
  beforeEach(async () => {
    h = await startHarness();
    await h.command(manager, "create", { service: "payments", version: "1.4.2" });
    msgId = await h.cardMessageId("R-1");
    await h.press(member(2), "go", "R-1", msgId);
    await h.press(member(3), "go", "R-1", msgId);
    await h.command(manager, "ship", { id: "R-1" });
    await h.command(manager, "shipped", { id: "R-1" });
  });
  afterEach(async () => {
    await h.close();
  });

  const rollbackNotice = async (): Promise<{ content: string; allowed_mentions: { users: string[] } }> => {
    await h.core.settle();
    const call = h.notices(msgId).find((c) => String(c.body.content).startsWith("⏪"))!;
    return call.body as { content: string; allowed_mentions: { users: string[] } };
  };

  it("does not ping the manager about the rollback they confirmed themselves", async () => {
    const modal = await h.press(manager, "rollback", "R-1", msgId);
    await h.submit(manager, modal.data.custom_id, { reason: "error rate 5x" }, msgId);
    const notice = await rollbackNotice();
    expect(String(notice.content)).not.toContain(`<@${manager.id}>`);
    expect(notice.allowed_mentions.users).toEqual([]);
  });

  it("pings the manager when someone else rolls it back", async () => {
    const modal = await h.press(h.admin, "rollback", "R-1", msgId);
    await h.submit(h.admin, modal.data.custom_id, { reason: "error rate 5x" }, msgId);
    const notice = await rollbackNotice();
    expect(String(notice.content)).toContain(`<@${manager.id}>`);
    expect(notice.allowed_mentions.users).toEqual([manager.id]);
  });
});

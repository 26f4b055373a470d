import { describe, expect, it } from "vitest";
import { recordedChatPerTest } from "../helpers/core.js";

const HOUR = 3_600_000;
const setup = recordedChatPerTest();

describe("the retro prompt", () => {
  it("calls the people who voted as well as the manager, and says until when notes can be added", async () => {
    const { chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await say("dave", "vote R-1 abstain");
    await say("alice", "ship R-1");
    await say("alice", "shipped R-1");
    await advance(24 * HOUR);
    const prompt = chat.notices.at(-1)!.notice;
    expect(prompt.text).toBe(
      "📝 Retro for R-1 (payments 1.4.2) is open: what went well, what did not, and action items with an owner. Press Add retro notes or use `/release retro R-1`; it closes Wed 23 Jan 2030 09:00 (UTC).",
    );
    // The closing time as an instant, so Slack and Discord show it in each reader's own zone.
    expect(prompt.parts).toContainEqual({ at: Date.UTC(2030, 0, 23, 9, 0), text: "Wed 23 Jan 2030 09:00 (UTC)" });
    expect(prompt.mention).toEqual(["terminal:alice", "terminal:bob", "terminal:carol", "terminal:dave"]);
  });

  it("keeps a retro the release was rolled back during open a whole window from the recovery, and calls the team to add the rollback", async () => {
    const { core, chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await say("alice", "ship R-1");
    await say("alice", "shipped R-1");
    await advance(24 * HOUR);
    // Six days into the week's retro, the release is rolled back; restored a day later.
    await advance(6 * 24 * HOUR);
    await say("alice", "rollback R-1 error rate 5x");
    await advance(24 * HOUR);
    const reply = await say("alice", "recovered R-1");
    expect(reply.type === "message" && reply.text).toContain("The retro of R-1 stays open until Wed 30 Jan 2030 09:00 (UTC), so the rollback can be in it.");
    await core.bot.idle();
    const told = chat.notices.map((n) => n.notice).find((n) => n.text.startsWith("📝 The retro of R-1 stays open"))!;
    expect(told.text).toBe("📝 The retro of R-1 stays open until Wed 30 Jan 2030 09:00 (UTC), so the rollback can be in it: add or edit your notes with Add retro notes or `/release retro R-1`.");
    expect(told.mention).toEqual(["terminal:alice", "terminal:bob", "terminal:carol"]);
    expect(told.buttons.map((b) => b.action)).toEqual(["retro"]);
    await advance(6 * 24 * HOUR);
    expect((await core.store.getRelease("R-1"))?.state).toBe("rolled_back");
    await advance(24 * HOUR);
    expect((await core.store.getRelease("R-1"))?.state).toBe("closed");
  });
});

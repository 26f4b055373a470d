import { describe, expect, it } from "vitest";
import { recordedChatPerTest } from "../helpers/core.js";

const MIN = 60_000;
const setup = recordedChatPerTest();

describe("a release left shipping", () => {
  it("calls its manager once, an hour after it started shipping, to mark it shipped: until then no retro is planned", async () => {
    const { chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 1h");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await advance(60 * MIN);
    expect(chat.noticeTexts("R-1").at(-1)).toContain("🚀 T-0: R-1 is GO and shipping");
    await advance(59 * MIN);
    expect(chat.noticeTexts("R-1").at(-1)).toContain("🚀 T-0: R-1 is GO and shipping");
    await advance(1 * MIN);
    const nudge = chat.notices.at(-1)!.notice;
    expect(nudge.text).toBe(
      "⏳ R-1 has been shipping for 1h and is not marked shipped. Release manager: once it is live, mark it with `/release shipped R-1` (its retro is planned from then); if it went wrong, roll it back with the card's Roll back button.",
    );
    expect(nudge.mention).toEqual(["terminal:alice"]);
    await advance(24 * 60 * MIN);
    expect(chat.notices.filter((n) => n.notice.text.startsWith("⏳"))).toHaveLength(1);
  });

  it("says nothing once it was marked shipped in time", async () => {
    const { chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await say("alice", "ship R-1");
    await advance(30 * MIN);
    await say("alice", "shipped R-1");
    await advance(60 * MIN);
    expect(chat.notices.filter((n) => n.notice.text.startsWith("⏳"))).toHaveLength(0);
  });

  it("counts how long from when it started, when the nudge comes late after gonogo was down", async () => {
    const { chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await say("alice", "ship R-1");
    await advance(3 * 60 * MIN);
    expect(chat.noticeTexts("R-1").at(-1)).toMatch(/^⏳ R-1 has been shipping for 3h and is not marked shipped\./);
  });
});

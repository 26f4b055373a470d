import { describe, expect, it } from "vitest";
import { recordedChatPerTest } from "../helpers/core.js";

const MIN = 60_000;
const setup = recordedChatPerTest();

describe("a release held at T-0 that reaches GO afterwards", () => {
  it("calls its manager in the thread with what ships it now, and tells the voter who made it GO", async () => {
    const { core, chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 1h");
    await say("bob", "vote R-1 go");
    await advance(60 * MIN);
    expect(chat.noticeTexts("R-1").at(-1)).toContain("⏸ T-0: HOLD");
    const before = chat.notices.length;
    const reply = await say("carol", "vote R-1 go");
    await core.bot.idle();
    expect(reply.type === "message" && reply.text).toBe("Your GO on R-1 is in. Decision: GO. R-1 is on hold; the thread tells its release manager what ships it now.");
    const told = chat.notices.slice(before).map((n) => n.notice);
    expect(told.map((n) => n.text)).toEqual(["✅ R-1 is GO now. R-1 is still on hold. Release manager: ship it now with `/release ship R-1`, or set a new T-0 with `/release schedule R-1 <time>`."]);
    expect(told[0]?.mention).toEqual(["terminal:alice"]);
  });

  it("says it once: a further GO on a held release that was already GO tells the thread nothing", async () => {
    const { core, chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 1h");
    await say("bob", "vote R-1 go");
    await advance(60 * MIN);
    await say("carol", "vote R-1 go");
    await core.bot.idle();
    const before = chat.notices.length;
    const reply = await say("dave", "vote R-1 go");
    await core.bot.idle();
    expect(chat.notices.slice(before)).toEqual([]);
    expect(reply.type === "message" && reply.text).toBe("Your GO on R-1 is in. Decision: GO.");
  });

  it("tells the manager who brings it to GO themself what ships it, in the reply", async () => {
    const { core, chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 1h");
    await say("bob", "vote R-1 go");
    await advance(60 * MIN);
    const before = chat.notices.length;
    const reply = await say("alice", "vote R-1 go");
    await core.bot.idle();
    expect(reply.type === "message" && reply.text).toBe("Your GO on R-1 is in. Decision: GO. R-1 is still on hold. Release manager: ship it now with `/release ship R-1`, or set a new T-0 with `/release schedule R-1 <time>`.");
    expect(chat.notices.slice(before).map((n) => n.notice.mention)).toEqual([[]]);
  });

  it("says so too when the last readiness criterion passing makes it GO", async () => {
    const { core, chat, say, advance } = setup();
    await say("admin", "criteria set tests");
    await say("alice", "create payments 1.4.2 at in 1h");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await advance(60 * MIN);
    const reply = await say("alice", "check R-1 tests pass");
    await core.bot.idle();
    expect(reply.type === "message" && reply.text).toContain("Decision: GO. R-1 is still on hold. Release manager: ship it now with `/release ship R-1`");
    expect(chat.noticeTexts("R-1").at(-1)).toMatch(/^✅ R-1 is GO now\. /);
  });

  it("restarts the countdown on a new T-0, and never says voting re-opens, as votes stayed open while it was held", async () => {
    const { core, chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 1h");
    await advance(60 * MIN);
    const refused = await say("alice", "hold R-1");
    expect(refused.type === "message" && refused.text).toContain("rescheduled, which restarts the countdown (`/release schedule R-1 <time>`)");
    const moved = await say("alice", "schedule R-1 in 2h");
    expect(moved.type === "message" && moved.text).toBe("R-1 rescheduled for Tue 15 Jan 2030 12:00 (UTC) (in 2h). Reminders at T-1h, T-15m, T-5m, T-0. The countdown runs again.");
    await core.bot.idle();
    expect(chat.noticeTexts("R-1").at(-1)).toBe("🕑 R-1 is back on the countdown: T-0 moved to Tue 15 Jan 2030 12:00 (UTC) by alice.");
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { replyLineText, type Reply, type ReplyPart } from "../../src/app/views.js";

let core: TestCore;
afterEach(async () => core?.close());

const lax = { platform: "terminal", key: "terminal:side:lax", nativeId: "lax" } as const;
const say = (who: string, text: string, where: typeof lax | typeof channel = channel) => core.bot.handle({ kind: "command", actor: person(who), channel: where, text });
const linesOf = (r: Reply): ReplyPart[][] => (r.type === "message" ? (r.lines ?? []) : []);

describe("/release list says when and where (channel on Europe/Berlin, now Tue 15 Jan 2030 10:00 there)", () => {
  it("gives each open release its T-0 with how far off it is, or no T-0, and the channel it is decided in, soonest first", async () => {
    core = createTestCore({ config: { timezone: "Europe/Berlin" } });
    await say("alice", "create search 2.0.0");
    await say("alice", "create payments 1.4.2 at in 2h");
    await say("bob", "create billing 3.1.0 at tomorrow 09:00", lax);
    // lax is another place's channel: its release is listed here once its card is shared here, with its channel in words.
    await core.store.addMessageRef("R-3", { platform: "terminal", channel, messageId: "shared" });
    const list = await say("dave", "list");
    expect(list.type === "message" && list.text).toBe("Open releases, soonest T-0 first:");
    expect(linesOf(list).map(replyLineText)).toEqual([
      "• R-2 payments 1.4.2 → production · Voting · Pending · T-0 Tue 15 Jan 2030 12:00 (Europe/Berlin) (in 2h) · in #releases",
      "• R-3 billing 3.1.0 → production · Voting · Pending · T-0 Wed 16 Jan 2030 09:00 (Europe/Berlin) (in 23h) · in terminal channel lax",
      "• R-1 search 2.0.0 → production · Voting · Pending · no T-0 · in #releases",
    ]);
    // The T-0 as an instant each viewer's platform shows in their own zone.
    expect(linesOf(list)[0]).toContainEqual({ at: Date.UTC(2030, 0, 15, 11, 0), text: "Tue 15 Jan 2030 12:00 (Europe/Berlin)" });
  });

  it("says a T-0 that has passed as how long ago", async () => {
    core = createTestCore({ config: { timezone: "Europe/Berlin" } });
    await say("alice", "create payments 1.4.2 at in 30m");
    core.clock.advance(90 * 60_000);
    await core.bot.runDueJobs();
    const [line] = linesOf(await say("dave", "list")).map(replyLineText);
    expect(line).toContain("· On hold · Pending · T-0 Tue 15 Jan 2030 10:30 (Europe/Berlin) (1h ago) · in #releases");
  });

  it("sends the 50 soonest and counts the rest, so no platform has to guess what it left out", async () => {
    core = createTestCore();
    for (let i = 1; i <= 53; i++) await say("alice", `create svc${i} 1.0.0 at in ${i}h`);
    const list = await say("dave", "list");
    expect(linesOf(list)).toHaveLength(50);
    expect(list.type === "message" && list.linesLeftOut).toBe(3);
    expect(replyLineText(linesOf(list)[0]!)).toContain("R-1 svc1");
    expect(replyLineText(linesOf(list)[49]!)).toContain("R-50 svc50");
  });
});

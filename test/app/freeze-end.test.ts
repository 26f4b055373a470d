import { afterEach, describe, expect, it } from "vitest";
import { createTestCore, chatDriver, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import type { Reply } from "../../src/app/views.js";

/** A freeze that ends, or is removed, is told to the releases it left on hold, once each. */

const MIN = 60_000;
const HOUR = 60 * MIN;
const utc = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
let core: TestCore;
afterEach(async () => core?.close());

/** A core with `rel` a release-manager; `advance` moves the fake clock and runs what fell due. */
async function setup(now: number, zone = "UTC") {
  core = createTestCore({ now, config: { timezone: zone } });
  let chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  const { say, advance } = chatDriver(() => core);
  /** Stops gonogo and starts it again on the same database, as after a restart; the channel is a new recording. */
  const restart = async () => {
    core = await core.reopen();
    chat = createRecordingSurface();
    core.bot.attachSurface(chat.surface);
  };
  await say("admin", "role grant rel release-manager");
  return { chat: () => chat, say, advance, restart };
}

const text = (r: Reply) => (r.type === "message" ? r.text : r.type);
const over = (chat: ReturnType<typeof createRecordingSurface>, id: string) => chat.notices.map((n) => n.notice).filter((n) => n.releaseId === id && n.text.startsWith("✅ Freeze"));

describe("the end of a freeze", () => {
  it("is told once to a release held at T-0 by a weekly freeze, calling its manager with what to do next", async () => {
    // Mon 25 Mar 2030 10:00 UTC; the weekend freeze ends Mon 1 Apr 09:00 Berlin time (CEST, 07:00 UTC).
    const { chat, say, advance } = await setup(utc(2030, 3, 25, 10), "Europe/Berlin");
    await say("rel", "freeze add weekly fri 16:00 until mon 09:00 reason weekend");
    await say("alice", "create payments 1.4.2 at 2030-03-30 10:00");
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
    core.clock.set(utc(2030, 3, 30, 9) - MIN); // 10:00 CET
    await advance(MIN);
    expect((await core.store.getRelease("R-1"))?.state).toBe("held");
    expect(over(chat(), "R-1")).toEqual([]);

    core.clock.set(utc(2030, 4, 1, 7) - MIN);
    await advance(MIN - 1);
    expect(over(chat(), "R-1")).toEqual([]);
    await advance(1);
    const [told] = over(chat(), "R-1");
    expect(told?.text).toBe("✅ Freeze 'weekend' is over (it ended Mon 1 Apr 09:00 (Europe/Berlin)). R-1 is still on hold. Release manager: ship it now with `/release ship R-1`, or set a new T-0 with `/release schedule R-1 <time>`.");
    expect(told?.mention).toEqual(["terminal:alice"]);
    // The card no longer shows the freeze, and its hold reason says it is over.
    expect(chat().latestCard("R-1")?.guards ?? []).toEqual([]);
    // It says what is true now, no advice ("once GO") that the GO beside it already makes wrong.
    expect(chat().latestCard("R-1")?.decisionLine).toBe("GO");
    expect(chat().latestCard("R-1")?.notes).toEqual(["On hold: held by freeze 'weekend', which ended Mon 1 Apr 09:00 (Europe/Berlin)"]);

    // Once: the weeks after bring no second notice for this end.
    await advance(2 * 7 * 24 * HOUR);
    expect(over(chat(), "R-1")).toHaveLength(1);
  });

  it("ending while gonogo is down, is told once when it is back, and not again after another restart", async () => {
    const { chat, say, advance, restart } = await setup(utc(2030, 1, 15, 9));
    await say("rel", "freeze add now until 2030-01-15 12:00 reason demo day");
    await say("alice", "create payments 1.4.2 at 2030-01-15 10:00");
    await advance(HOUR);
    expect((await core.store.getRelease("R-1"))?.state).toBe("held");

    await restart();
    await advance(4 * HOUR); // 14:00: the freeze ended at 12:00, while nothing ran
    const [told] = over(chat(), "R-1");
    expect(told?.text).toBe("✅ Freeze 'demo day' is over (it ended Tue 15 Jan 12:00 (UTC)). R-1 is still on hold and not GO yet. Decision: Pending: 0 of 2 GO. Release manager: set a new T-0 with `/release schedule R-1 <time>`, or `/release ship R-1` once GO.");
    expect(told?.parts?.[1]).toEqual({ at: utc(2030, 1, 15, 12), text: "Tue 15 Jan 12:00 (UTC)" });

    await restart();
    await advance(HOUR);
    expect(over(chat(), "R-1")).toEqual([]);
  });

  it("is told to a release held by hand while the freeze was on, and waits for a second freeze that still holds it", async () => {
    const { chat, say, advance } = await setup(utc(2030, 1, 15, 9));
    await say("rel", "freeze add now until 2030-01-15 12:00 reason demo day");
    await say("alice", "create payments 1.4.2 at 2030-01-15 10:00");
    await say("alice", "create search 2.0.0 at 2030-01-15 18:00");
    await say("alice", "hold R-2 waiting for the DBA");
    await advance(HOUR); // R-1 held at T-0
    await say("rel", "freeze add now until 2030-01-15 14:00 reason migration");
    await say("rel", "lock search reason incident 9");

    await advance(3 * HOUR); // 13:00: demo day is over, migration is not
    expect(over(chat(), "R-1")).toEqual([]);
    expect(over(chat(), "R-2")).toEqual([]);
    expect(chat().latestCard("R-1")?.guards?.map((g) => g.text)).toEqual(["in freeze 'migration' until"]);

    await advance(HOUR);
    expect(over(chat(), "R-1").map((n) => n.text)).toEqual([expect.stringMatching(/^✅ Freeze 'migration' is over \(it ended Tue 15 Jan 14:00 \(UTC\)\)\. R-1 is still on hold and not GO yet/)]);
    // What still stops it comes first: a lock outlives the freeze.
    expect(over(chat(), "R-2").map((n) => n.text)).toEqual([
      "✅ Freeze 'migration' is over (it ended Tue 15 Jan 14:00 (UTC)). R-2 is still on hold, and search production is locked by rel: incident 9; it stays locked until a release-manager or an admin lifts it with `/release unlock search production reason <text>`. Release manager: set a new T-0 with `/release schedule R-2 <time>` once it is lifted.",
    ]);
  });

  it("is in the audit trail of each release it held: /release audit shows the end, and a freeze that holds it on", async () => {
    const { say, advance } = await setup(utc(2030, 1, 15, 9));
    await say("rel", "freeze add now until 2030-01-15 12:00 reason demo day");
    // Not on yet when added: the cards go on showing demo day, whose end comes while this one is on.
    await say("rel", "freeze add 2030-01-15 11:30 until 2030-01-15 14:00 reason migration");
    await say("alice", "create payments 1.4.2 at 2030-01-15 10:00");
    await say("alice", "create search 2.0.0 at 2030-01-15 10:30");
    await advance(2 * HOUR); // 11:00: both held at T-0 by demo day
    await say("alice", "cancel R-2 not this week");

    await advance(HOUR); // 12:00: demo day is over, migration holds R-1 on
    expect(text(await say("dave", "audit R-1"))).toMatch(/12:00 {2}gonogo saw freeze 'demo day' end \(Tue 15 Jan 12:00\): still held by freeze 'migration' \(until Tue 15 Jan 14:00\)$/m);
    await advance(2 * HOUR);
    expect(text(await say("dave", "audit R-1"))).toMatch(/14:00 {2}gonogo saw freeze 'migration' end \(Tue 15 Jan 14:00\): no freeze holds it now$/m);
    // A release no longer held when the freeze ends (cancelled) has no end in its trail: its card no longer showed the freeze.
    expect(text(await say("dave", "audit R-2"))).not.toContain("saw freeze");
    expect(text(await say("admin", "audit verify"))).toContain("Audit trail intact");
  });

  it("is over for good when the clocks go back within the hour after it: a T-0 in the repeated hour ships", async () => {
    // Clocks go back in Berlin on Sun 27 Oct 2030 at 03:00 CEST (01:00 UTC). The night freeze ends at
    // 02:30 CEST (00:30 UTC); 02:15 CET (01:15 UTC) comes 45 minutes after it ended.
    const { chat, say, advance } = await setup(utc(2030, 10, 26, 23, 15), "Europe/Berlin");
    await say("rel", "freeze add weekly sat 22:00 until sun 02:30 reason night");
    await say("alice", "create payments 1.4.2 at in 2h");
    expect((await core.store.getRelease("R-1"))?.scheduledAt).toBe(utc(2030, 10, 27, 1, 15));
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
    await advance(2 * HOUR);
    expect((await core.store.getRelease("R-1"))?.state).toBe("shipping");
    expect(chat().latestCard("R-1")?.guards ?? []).toEqual([]);
  });

});

describe("removing a freeze", () => {
  it("tells a release it held and one whose T-0 was in it, at once and once: the end it would have had brings nothing more", async () => {
    const { chat, say, advance } = await setup(utc(2030, 1, 15, 9));
    await say("rel", "freeze add now until 2030-01-15 18:00 reason incident");
    await say("alice", "create payments 1.4.2 at 2030-01-15 10:00");
    await say("bob", "create search 2.0.0 at 2030-01-15 15:00");
    await say("alice", "create billing 3.0.0 at 2030-01-15 20:00");
    for (const id of ["R-1", "R-2"]) for (const voter of ["carol", "dave"]) await say(voter, `vote ${id} go`);
    await advance(HOUR); // R-1 held at T-0

    const removed = text(await say("rel", "freeze remove F-1"));
    expect(removed).toBe("Freeze F-1 removed (Tue 15 Jan 2030 09:00 → Tue 15 Jan 2030 18:00 (UTC) · incident). R-1, R-2 were in it: their managers are told in each thread. A release it held stays on hold until it is shipped or rescheduled.");
    await core.bot.idle();
    const held = over(chat(), "R-1");
    expect(held.map((n) => n.text)).toEqual(["✅ Freeze F-1 'incident' was removed by rel: it no longer holds R-1. R-1 is still on hold. Release manager: ship it now with `/release ship R-1`, or set a new T-0 with `/release schedule R-1 <time>`."]);
    expect(held[0]?.mention).toEqual(["terminal:alice"]);
    // Its card no longer reads as if the freeze held it, nor advises waiting for a GO it has.
    expect(chat().latestCard("R-1")?.notes).toEqual(["On hold: held by freeze 'incident', which rel removed"]);
    const voting = over(chat(), "R-2");
    expect(voting.map((n) => n.text)).toEqual(["✅ Freeze F-1 'incident' was removed by rel: R-2's T-0 (Tue 15 Jan 2030 15:00 (UTC)) is no longer in a freeze, so T-0 ships it if it is GO then."]);
    expect(voting[0]?.mention).toEqual(["terminal:bob"]);
    // R-3's T-0 was after the freeze: nothing to tell.
    expect(over(chat(), "R-3")).toEqual([]);

    await advance(5 * HOUR); // 15:00, R-2's T-0, in what was the freeze
    expect((await core.store.getRelease("R-2"))?.state).toBe("shipping");
    await advance(5 * HOUR); // past 18:00, when the freeze would have ended
    expect(over(chat(), "R-1")).toHaveLength(1);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { replyLineText, type Reply } from "../../src/app/views.js";

let core: TestCore;
afterEach(async () => core?.close());

const text = (r: Reply) => (r.type === "message" ? [r.text, ...(r.lines ?? []).map(replyLineText)].join("\n") : r.type);

/** R-1 with T-0 at 2030-01-15 10:00 UTC and two GO votes, in a channel with the given policy. */
async function goRelease(policy: string | null) {
  core = createTestCore({ now: Date.UTC(2030, 0, 14, 9) });
  const chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  const say = (who: string, line: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text: line });
  if (policy) await say("admin", `policy set ${policy}`);
  await say("alice", "create payments 1.4.2 at 2030-01-15 10:00");
  await say("bob", "vote R-1 go");
  await say("carol", "vote R-1 go");
  return { chat, say };
}

describe("revote_after: votes cleared when T-0 slips far", () => {
  it("clears the votes when T-0 moves later by more than revote_after, and says so on the card, in the thread and in the audit trail", async () => {
    const { chat, say } = await goRelease("revote_after=36h");
    const moved = await say("alice", "schedule R-1 2030-01-22 10:00");
    expect(text(moved)).toContain("2 votes were cleared (T-0 moved more than revote_after=36h later) and the voters are asked to vote again.");
    expect(await core.store.getVotes("R-1")).toEqual([]);
    await core.bot.idle();
    const card = chat.latestCard("R-1")!;
    expect(card.decisionLine).toContain("0 of 2 GO");
    expect(card.notes.join("\n")).toContain("Votes cleared: T-0 moved 7d later by alice, more than this channel's revote_after=36h. Please vote again.");
    const thread = chat.noticeTexts("R-1").join("\n");
    expect(thread).toContain("♻️ R-1: T-0 moved 7d later by alice, more than this channel's revote_after=36h: 2 votes were cleared; please vote again.");
    expect(text(await say("alice", "audit R-1"))).toContain("moved T-0 7d later, more than revote_after=36h; 2 votes cleared");
  });

  it("keeps the votes for a smaller move, a move earlier, and by default", async () => {
    const { say } = await goRelease("revote_after=2d");
    await say("alice", "schedule R-1 2030-01-16 09:00");
    await say("alice", "schedule R-1 2030-01-15 08:00");
    expect(await core.store.getVotes("R-1")).toHaveLength(2);
    await core.close();

    await goRelease(null);
    await core.bot.handle({ kind: "command", actor: person("alice"), channel, text: "schedule R-1 2030-02-15 10:00" });
    expect(await core.store.getVotes("R-1")).toHaveLength(2);
  });

  it("is shown by /release policy and refuses a value that is not a duration", async () => {
    const { say } = await goRelease(null);
    expect(text(await say("alice", "policy"))).toContain("revote_after=off (how far T-0 may move later before votes are cleared)");
    expect(text(await say("admin", "policy set revote_after=soon"))).toContain("revote_after takes off, or how far T-0 may move later before the votes are cleared, from 1m to 365d, such as 90m, 1h30m, 1h 30m, 2d or 1d2h, e.g. revote_after=24h");
    await say("admin", "policy set revote_after=36h");
    expect(text(await say("alice", "policy"))).toContain("revote_after=36h");
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { replyLineText, type Reply } from "../../src/app/views.js";

const MIN = 60_000;
let core: TestCore;
afterEach(async () => core?.close());

function setup(config = {}) {
  core = createTestCore({ config });
  const chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  const say = async (who: string, text: string) => textOf(await core.bot.handle({ kind: "command", actor: person(who), channel, text }));
  const advance = async (ms: number) => {
    core.clock.advance(ms);
    await core.bot.runDueJobs();
    await core.bot.idle();
  };
  return { chat, say, advance };
}

const textOf = (r: Reply) => (r.type === "message" ? [r.text, ...(r.lines ?? []).map(replyLineText)].join("\n") : "");

describe("the decision reads the same wherever gonogo states it", () => {
  it("a reminder says the decision in the card's words", async () => {
    const { chat, say, advance } = setup({ require: ["qa"] });
    await say("admin", "role grant dana qa");
    await say("alice", "create payments 1.4.2 at in 2h");
    const voted = await say("bob", "vote R-1 go");
    await advance(60 * MIN);
    const card = chat.latestCard("R-1")!;
    expect(card.decisionLine).toBe("Pending: 1 of 2 GO · waiting for qa");
    expect(voted).toContain(`Decision: ${card.decisionLine}.`);
    expect(chat.noticeTexts("R-1")[0]).toContain(`Decision: ${card.decisionLine}.`);
  });

  it("a reminder on a blocked release says NO-GO and who blocks it, as the card does", async () => {
    const { chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 2h");
    await say("carol", "vote R-1 no-go flaky tests");
    await advance(60 * MIN);
    // Who blocks it first, then what else it waits for: lifting the no-go alone does not make it GO.
    expect(chat.noticeTexts("R-1")[0]).toContain("Decision: NO-GO: blocked by no-go from carol: flaky tests; also pending: 0 of 2 GO.");
    expect(chat.latestCard("R-1")?.decisionLine).toBe("NO-GO: blocked by no-go from carol: flaky tests");
    expect(chat.latestCard("R-1")?.alsoPendingLine).toBe("Also pending: 0 of 2 GO");
  });

  it("the T-0 hold notice says the decision as the card does, with what a NO-GO also waits for", async () => {
    const { chat, say, advance } = setup({ require: ["qa"] });
    await say("admin", "role grant dana qa");
    await say("alice", "create payments 1.4.2 at in 2h");
    await say("bob", "vote R-1 go");
    await say("dave", "vote R-1 no-go migration not tested");
    await advance(120 * MIN);
    const card = chat.latestCard("R-1")!;
    expect(card.decisionLine).toBe("NO-GO: blocked by no-go from dave: migration not tested");
    expect(card.alsoPendingLine).toBe("Also pending: 1 of 2 GO · waiting for qa");
    const hold = chat.noticeTexts("R-1").find((t) => t.startsWith("⏸ T-0: HOLD."));
    // Lifting dave's no-go alone would not make it GO: the notice says so, as the card and the reminders do.
    expect(hold).toBe(
      "⏸ T-0: HOLD. R-1 did not ship. Decision: NO-GO: blocked by no-go from dave: migration not tested; also pending: 1 of 2 GO · waiting for qa. Votes stay open; the release manager can `/release ship R-1` once GO, or set a new T-0 with `/release schedule R-1 <time>`.",
    );
  });

  /** R-1 at T-0 in 2h, with qa required: bob's GO, and dave's no-go that blocks it. Lifting the no-go alone would leave it Pending. */
  async function blockedAndShort(say: (who: string, text: string) => Promise<string>, when = "in 2h") {
    await say("admin", "role grant dana qa");
    await say("alice", `create payments 1.4.2 at ${when}`);
    await say("bob", "vote R-1 go");
    await say("dave", "vote R-1 no-go migration not tested");
  }
  const WORDS = "NO-GO: blocked by no-go from dave: migration not tested; also pending: 1 of 2 GO · waiting for qa";

  it("the T-0 cancel notice, and the reason the card keeps, say the decision as the card does", async () => {
    const { chat, say, advance } = setup({ require: ["qa"] });
    await say("admin", "policy set t0=cancel");
    await blockedAndShort(say);
    await advance(120 * MIN);
    const cancelled = chat.noticeTexts("R-1").find((t) => t.startsWith("🛑 T-0"));
    expect(cancelled).toBe(`🛑 T-0: R-1 is cancelled: it was not GO. Decision: ${WORDS}.`);
    expect(chat.latestCard("R-1")?.notes).toContain(`Cancelled: T-0 came without GO (${WORDS})`);
  });

  it("the T-0 hold keeps the decision in the card's words as its reason too", async () => {
    const { chat, say, advance } = setup({ require: ["qa"] });
    await blockedAndShort(say);
    await advance(120 * MIN);
    expect(chat.latestCard("R-1")?.notes).toContain(`On hold: T-0 came without GO (${WORDS})`);
  });

  it("the notice of a release that left the queue but is not GO any more says the decision as the card does", async () => {
    const { chat, say, advance } = setup({ require: ["qa"] });
    await say("admin", "role grant dana qa");
    await say("alice", "create payments 1.4.1");
    for (const voter of ["carol", "dana"]) await say(voter, "vote R-1 go");
    await say("alice", "ship R-1");
    await say("alice", "create payments 1.4.2 at in 30m");
    for (const voter of ["bob", "dana"]) await say(voter, "vote R-2 go");
    await advance(30 * MIN); // T-0: GO, so it queues behind R-1
    await say("dana", "retract R-2");
    await say("dave", "vote R-2 no-go migration not tested");
    await say("alice", "shipped R-1");
    await advance(0);
    const left = chat.noticeTexts("R-2").find((t) => t.startsWith("⏸ R-2 left the queue"));
    expect(left).toBe(`⏸ R-2 left the queue but is not GO any more: on hold. Decision: ${WORDS}. The release manager can \`/release ship R-2\` once GO.`);
    expect(chat.latestCard("R-2")?.notes).toContain(`On hold: its turn in the queue came without GO (${WORDS})`);
  });

  it("the notice at a freeze's end, and the one of a hold by a freeze, say the decision as the card does", async () => {
    const { chat, say, advance } = setup({ require: ["qa"] });
    await say("admin", "role grant rel release-manager");
    await say("rel", "freeze add now until in 3h reason demo day");
    await blockedAndShort(say);
    await advance(120 * MIN); // T-0, in the freeze
    const held = chat.noticeTexts("R-1").find((t) => t.startsWith("⛔ T-0"));
    expect(held).toContain(`It is not GO either. Decision: ${WORDS}. Once it is GO, reschedule it after the freeze`);
    await advance(60 * MIN); // the freeze ends
    const over = chat.noticeTexts("R-1").find((t) => t.startsWith("✅ Freeze"));
    expect(over).toContain(`R-1 is still on hold and not GO yet. Decision: ${WORDS}. Release manager: set a new T-0`);
  });

  it("refusing to ship a release that is not GO, says the decision as the card does", async () => {
    const { say } = setup({ require: ["qa"] });
    await blockedAndShort(say);
    expect(await say("alice", "ship R-1")).toContain(`R-1 is not GO yet. Decision: ${WORDS}. It can ship once the decision is GO.`);
  });

  it("the release list names each open release's decision as the card does", async () => {
    const { say } = setup();
    await say("alice", "create payments 1.4.2");
    await say("alice", "create search 2.0.0");
    await say("alice", "create billing 3.1.0");
    await say("bob", "vote R-2 go");
    await say("carol", "vote R-2 go");
    await say("carol", "vote R-3 no-go flaky tests");
    const list = await say("dave", "list");
    expect(list).toContain("R-1 payments 1.4.2 → production · Voting · Pending");
    expect(list).toContain("R-2 search 2.0.0 → production · Voting · GO");
    expect(list).toContain("R-3 billing 3.1.0 → production · Voting · NO-GO");
  });
});

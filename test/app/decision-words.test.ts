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

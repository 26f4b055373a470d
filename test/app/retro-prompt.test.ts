import { afterEach, describe, expect, it } from "vitest";
import { createTestCore, chatDriver, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";

const HOUR = 3_600_000;
let core: TestCore;
afterEach(async () => core?.close());

function setup() {
  core = createTestCore();
  const chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  const { say, advance } = chatDriver(() => core);
  return { chat, say, advance };
}

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
});

import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import type { Reply } from "../../src/app/views.js";

let core: TestCore;
afterEach(async () => core?.close());

function setup() {
  core = createTestCore();
  const chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  const say = async (who: string, text: string) => textOf(await core.bot.handle({ kind: "command", actor: person(who), channel, text }));
  return { chat, say };
}
const textOf = (r: Reply) => (r.type === "message" ? r.text : "");

describe("hold and cancel by hand", () => {
  it("name who did it once, and the reason only when one was given", async () => {
    const { chat, say } = setup();
    await say("alice", "create payments 1.4.2 at in 2h");
    await say("alice", "create payments 1.4.3 at in 3h");
    await say("alice", "hold R-1");
    await say("alice", "cancel R-2 superseded by 1.4.4");
    await core.bot.idle();
    expect(chat.noticeTexts("R-1")).toEqual(["✋ R-1 is on hold (alice)."]);
    expect(chat.noticeTexts("R-2")).toEqual(["🛑 R-2 was cancelled by alice: superseded by 1.4.4"]);
    // The card still says who held it: it has no other line naming them.
    expect(chat.latestCard("R-1")?.notes).toContain("On hold: held by alice");
    expect(await say("dave", "audit R-1")).toMatch(/alice state voting → held\n/);
    expect(await say("dave", "audit R-2")).toContain("alice state voting → cancelled: superseded by 1.4.4");
  });
});

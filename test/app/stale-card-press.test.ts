import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import type { CardAction } from "../../src/app/events.js";
import type { Reply } from "../../src/app/views.js";

/** Presses on a card that is no longer voting (an old copy, or one not yet edited). */

let core: TestCore;
afterEach(async () => core?.close());
const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const press = (who: string, action: CardAction) => core.bot.handle({ kind: "button", actor: person(who), channel, releaseId: "R-1", action });
const text = (r: Reply) => (r.type === "message" ? r.text : r.type);

describe("a vote pressed on a stale card", () => {
  it("is refused alike for Go and No-go, each pointing at a fresh card", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2");
    await say("alice", "cancel R-1 wrong service");
    const go = await press("bob", "go");
    const noGo = await press("bob", "no_go");
    expect(go).toMatchObject({ error: true, text: "R-1 is cancelled; voting is closed. See `/release status R-1`." });
    expect(noGo).toMatchObject({ error: true });
    expect(text(noGo)).toBe(text(go));
  });
});

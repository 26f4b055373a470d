import { afterEach, describe, expect, it } from "vitest";
import { actorOf } from "../../src/domain/identity.js";
import type { Actor } from "../../src/domain/types.js";
import { channel, chatDriver, createTestCore, linkAccounts, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";

const HOUR = 3_600_000;
let core: TestCore;
afterEach(async () => core?.close());

/** dana here, and dana on Slack: one person, linked with `/release link`. */
const dana = person("dana");
const danaOnSlack: Actor = actorOf({ kind: "person", platform: "slack", scope: "T1", user: "UDANA" }, "dana_s");

describe("one retro answer per person, from any of their linked accounts", () => {
  it("opens the form from the other account with the earlier answer filled in, and saving replaces it instead of adding a second", async () => {
    core = createTestCore();
    core.bot.attachSurface(createRecordingSurface().surface);
    const { say, advance } = chatDriver(() => core);
    await linkAccounts(core, dana, danaOnSlack);
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await say("alice", "ship R-1");
    await say("alice", "shipped R-1");
    await advance(24 * HOUR);
    const submit = (actor: Actor, values: Record<string, string>) => core.bot.handle({ kind: "form", actor, channel, form: "retro", releaseId: "R-1", values });
    await submit(dana, { went_well: "calm rollout", went_badly: "", action_items: "" });

    const form = await core.bot.handle({ kind: "button", actor: danaOnSlack, channel, releaseId: "R-1", action: "retro" });
    expect(form.type === "form" && form.form.fields.find((f) => f.key === "went_well")?.initial).toBe("calm rollout");
    const saved = await submit(danaOnSlack, { went_well: "calm rollout", went_badly: "late QA", action_items: "" });
    expect(saved.type === "message" && saved.text).toContain("are updated: they replace the ones you saved before");
    expect((await core.store.listRetroAnswers("R-1")).map((a) => [a.authorName, a.wentBadly])).toEqual([["dana_s", "late QA"]]);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";

let core: TestCore;
afterEach(async () => core?.close());

describe("the publish port for changed releases", () => {
  it("names the release after each committed change, and stays quiet for reads and refusals", async () => {
    core = createTestCore();
    const heard: string[] = [];
    const stop = core.bot.onReleaseChanged((id) => heard.push(id));
    const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-1 go");
    expect(heard).toEqual(["R-1", "R-1"]);
    await say("bob", "status R-1");
    await say("bob", "ship R-1");
    await say("bob", "vote R-9 go");
    expect(heard).toEqual(["R-1", "R-1"]);
    stop();
    await say("carol", "vote R-1 go");
    expect(heard).toEqual(["R-1", "R-1"]);
  });
});

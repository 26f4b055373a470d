import { afterEach, describe, expect, it } from "vitest";
import type { Reply } from "../../src/app/views.js";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";

let core: TestCore;
afterEach(async () => core?.close());

const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const text = (r: Reply) => (r.type === "message" ? r.text : "");
const quorumNow = async () => text(await say("alice", "policy")).match(/quorum=(\d+)/)?.[1];

describe("/release policy set quorum through the door", () => {
  it("refuses quorum=0, says why and what a channel that wants no vote can do, and keeps the quorum", async () => {
    core = createTestCore();
    const reply = await say("admin", "policy set quorum=0");
    expect(reply.type === "message" && reply.error).toBe(true);
    expect(text(reply)).toContain("`quorum=0` is not valid: quorum takes a whole number from 1 to 100");
    expect(text(reply)).toContain("a channel that wants no vote can turn the bot off");
    expect(await quorumNow()).toBe("2");
  });

  it.each(["0x10", "1e3", "1e1", "2.0", "+2", "101"])("refuses quorum=%s and states the range, changing nothing", async (value) => {
    core = createTestCore();
    const reply = await say("admin", `policy set quorum=${value} veto=off`);
    expect(reply.type === "message" && reply.error).toBe(true);
    expect(text(reply)).toContain(`\`quorum=${value}\` is not valid: quorum takes a whole number from 1 to 100`);
    expect(await quorumNow()).toBe("2");
    expect(text(await say("alice", "policy"))).toContain("veto=on");
  });

  it("takes plain digits", async () => {
    core = createTestCore();
    await say("admin", "policy set quorum=1");
    expect(await quorumNow()).toBe("1");
  });

  it("does not let a release reach GO with nobody voting when the quorum is asked to be 0", async () => {
    core = createTestCore();
    await say("admin", "policy set quorum=0");
    await say("alice", "create api 2.0.0");
    const status = await say("bob", "status R-1");
    expect(status.type === "message" && status.cards[0]?.decisionLine).not.toBe("GO");
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { actorOf, channelKey } from "../../src/domain/identity.js";
import { startHarness, visibleText, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const danaOnDiscord = actorOf({ kind: "person", platform: "discord", scope: "1001", user: "2002" }, "dana_d");
const DISCORD_CHANNEL = { platform: "discord", key: channelKey({ platform: "discord", scope: "1001", channel: "4001" }), nativeId: "4001" };

describe("Slack: the owner of a link code hears that it was used", () => {
  it("sends the Slack account whose code linked a Discord account a direct message saying so, and how to undo it", async () => {
    const asked = await h.slash("UDANA", "link");
    const code = /link code is `([A-Z0-9]{4}-[A-Z0-9]{4})`/.exec(JSON.stringify(asked.body))?.[1];
    expect(code).toBeDefined();
    await h.core.bot.handle({ kind: "command", actor: danaOnDiscord, channel: DISCORD_CHANNEL, text: `link ${code}` });
    await h.core.bot.idle();
    expect(h.fake.callsTo("conversations.open").map((c) => c.params.users)).toEqual(["UDANA"]);
    const dm = h.fake.callsTo("chat.postMessage").find((c) => c.params.channel === "DDANA");
    expect(dm).toBeDefined();
    expect(visibleText(dm!)).toContain("Your link code was used: your account and dana_d on Discord now count as one voter. Not you? `/release unlink` here undoes it.");
  });
});

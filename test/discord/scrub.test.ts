import { describe, expect, it } from "vitest";
import { inviteUrl } from "../../adapters/discord/invite.js";
import { errorForLog, scrubText } from "../../adapters/discord/scrub.js";

describe("log scrubbing", () => {
  it("removes interaction and webhook tokens and the bot token from errors", () => {
    const token = "MTE4NzMzMTA0ODc2MzYyOTYyOQ.GhXyZw.abcdefghijklmnopqrstuvwxyz012345";
    const err = Object.assign(new Error(`Unknown interaction at https://discord.com/api/v10/interactions/1187/aW50ZXJhY3Rpb24.secret/callback with Bot ${token}`), {
      url: "https://discord.com/api/v10/webhooks/1187331048763629629/aW50ZXJhY3Rpb246c2VjcmV0/messages/@original",
      status: 404,
      code: 10062,
    });
    const logged = JSON.stringify(errorForLog(err, [token]));
    expect(logged).not.toContain("aW50ZXJhY3Rpb24");
    expect(logged).not.toContain(token);
    expect(logged).toContain("/interactions/1187/[token]/callback");
    expect(logged).toContain("/webhooks/1187331048763629629/[token]/messages");
    expect(scrubText("plain text")).toBe("plain text");
  });

  it("builds the invite URL with exactly the bot permissions gonogo needs", () => {
    expect(inviteUrl("1187331048763629629")).toBe("https://discord.com/oauth2/authorize?client_id=1187331048763629629&scope=bot+applications.commands&permissions=274877991936");
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member, slashCommand } from "../../fakes/discord-fixtures.js";
import { CALLBACK, startHarness, type Harness } from "./harness.js";

/** An interaction from a direct message with the bot: no server, so no channel for a card. */
function inDirectMessage(raw: Record<string, unknown>, user: ReturnType<typeof member>): { id: string } {
  const rest: Record<string, unknown> = { ...raw };
  for (const key of ["guild_id", "guild", "member"]) delete rest[key];
  return { ...rest, user: { id: user.id, username: user.username, global_name: user.globalName ?? null, discriminator: "0", avatar: null }, channel: { id: "1187331275440651111", type: 1 }, context: 1 } as unknown as { id: string };
}

describe("Discord: /release from a direct message", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("answers privately that it works in a server's channels, and where to run it instead", async () => {
    const raw = inDirectMessage(slashCommand({ world: h.fake.world, user: member(1) }, "list"), member(1));
    const answer = (await h.fake.callbackFor(h.fake.dispatchInteraction(raw).id)).body;
    expect(answer.type).toBe(CALLBACK.message);
    expect(answer.data.flags).toBe(64);
    expect(answer.data.content).toBe("gonogo works in server channels: releases, roles and policies belong to a server. Run `/release` in a channel of your server where gonogo is, e.g. where a release card was posted.");
  });
});

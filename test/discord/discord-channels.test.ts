import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member, slashCommand } from "../../fakes/discord-fixtures.js";
import type { Json } from "../../fakes/discord-server.js";
import { CALLBACK, startHarness, type Harness } from "./harness.js";

/** Another text channel of the same server. */
const OTHER_CHANNEL = "1187331275440649999";

describe("Discord: replies name channels as links", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: { timezone: "Europe/Berlin" } });
  });
  afterEach(async () => {
    await h.close();
  });

  const commandIn = async (channelId: string, user: ReturnType<typeof member>, sub: string, options: Record<string, string>): Promise<Json> =>
    (await h.fake.callbackFor(h.fake.dispatchInteraction(slashCommand({ world: h.fake.world, user, channelId }, sub, options)).id)).body;

  it("refuses a release of a service decided in another channel, naming that channel as a link", async () => {
    await h.command(member(1), "create", { service: "payments", version: "1.4.2" });
    const refused = await commandIn(OTHER_CHANNEL, member(2), "create", { service: "payments", version: "1.4.3" });
    expect(refused.type).toBe(CALLBACK.message);
    expect(refused.data.content).toContain(`payments → production is decided in <#${h.fake.world.channelId}>: its last release, R-1, was created there`);
    expect(refused.data.allowed_mentions).toEqual({ parse: [] });
  });
});

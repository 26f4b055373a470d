import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member, slashCommand } from "../../fakes/discord-fixtures.js";
import type { Json } from "../../fakes/discord-server.js";
import { channel, person } from "../helpers/core.js";
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

  /** The release's card is in this server's channel too, as `/release share` there puts it. */
  const sharedHere = (id: string) => {
    const here = { platform: "discord", key: `discord:${h.fake.world.guildId}:${h.fake.world.channelId}`, nativeId: h.fake.world.channelId };
    return h.core.store.addMessageRef(id, { platform: "discord", channel: here, messageId: `shared-${id}` });
  };
  const commandIn = async (channelId: string, user: ReturnType<typeof member>, sub: string, options: Record<string, string>): Promise<Json> =>
    (await h.fake.callbackFor(h.fake.dispatchInteraction(slashCommand({ world: h.fake.world, user, channelId }, sub, options)).id)).body;

  it("refuses a release of a service decided in another channel, naming that channel as a link", async () => {
    await h.command(member(1), "create", { service: "payments", version: "1.4.2" });
    const refused = await commandIn(OTHER_CHANNEL, member(2), "create", { service: "payments", version: "1.4.3" });
    expect(refused.type).toBe(CALLBACK.message);
    expect(refused.data.content).toContain(`payments → production is decided in <#${h.fake.world.channelId}>: its last release, R-1, was created there`);
    expect(refused.data.allowed_mentions).toEqual({ parse: [] });
  });

  it("/release list shows each release's T-0 in the viewer's own time and its channel as a link; a Slack release's channel in words", async () => {
    await h.command(member(1), "create", { service: "payments", version: "1.4.2", when: "in 2h" });
    await commandIn(OTHER_CHANNEL, member(1), "create", { service: "search", version: "2.0.0" });
    const slack = { platform: "slack", key: "slack:T1:C0123", nativeId: "C0123" };
    await h.core.bot.handle({ kind: "command", actor: person("dana"), channel: slack, text: "create billing 3.1.0" });
    await h.core.bot.handle({ kind: "command", actor: person("tess"), channel, text: "create ledger 0.9.0" });
    // The Slack and terminal releases are listed in this server once their cards are shared into it (as /release share does).
    for (const id of ["R-3", "R-4"]) await sharedHere(id);
    const content = String((await h.command(member(2), "list")).data.content);
    // The terminal's channel is not a Discord channel called #releases.
    expect(content).toContain("R-4 ledger 0.9.0 → production · Voting · Pending · no T-0 · in terminal channel #releases");
    const t0 = Date.UTC(2030, 0, 15, 11, 0) / 1000;
    expect(content).toContain(`R-1 payments 1.4.2 → production · Voting · Pending · T-0 <t:${t0}:F> (in 2h) · in <#${h.fake.world.channelId}>`);
    expect(content).toContain(`R-2 search 2.0.0 → production · Voting · Pending · no T-0 · in <#${OTHER_CHANNEL}>`);
    expect(content).toContain("R-3 billing 3.1.0 → production · Voting · Pending · no T-0 · in Slack channel C0123");
  });

  it("/release list longer than one message holds: whole lines while they fit in 2,000 characters, then how many more there are", async () => {
    for (let i = 1; i <= 40; i++) {
      await h.core.bot.handle({ kind: "command", actor: person("dana"), channel: { platform: "slack", key: `slack:T1:C${i}X`, nativeId: `C${i}X` }, text: `create service-${i} 1.0.${i} at in ${i}h` });
      await sharedHere(`R-${i}`);
    }
    const content = String((await h.command(member(2), "list")).data.content);
    expect(content.length).toBeLessThanOrEqual(2000);
    const shown = content.match(/^• R-\d+ /gm) ?? [];
    expect(shown.length).toBeGreaterThan(5);
    expect(content).toMatch(new RegExp(`in Slack channel C${shown.length}X\\n…and ${40 - shown.length} more not shown here\\.$`));
  });
});

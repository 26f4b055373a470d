import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkMessage } from "../../fakes/slack-api.js";
import { channel, person } from "../helpers/core.js";
import { CHANNEL, startHarness, TEAM, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ config: { timezone: "Europe/Berlin" } });
});
afterEach(async () => {
  await h.close();
});

describe("Slack: replies name channels as links", () => {
  it("refuses a release of a service decided in another channel, naming that channel as a link", async () => {
    await h.slash("UMGR", "create payments 1.4.2");
    const refused = JSON.stringify((await h.slash("UDEV", "create payments 1.4.3", { channel: "C2OTHER" })).body);
    expect(refused).toContain(":warning:");
    expect(refused).toContain(`payments → production is decided in <#${CHANNEL}>: its last release, R-1, was created there`);
    expect((await h.core.store.listReleases({})).map((r) => r.id)).toEqual(["R-1"]);
  });
});

describe("Slack: /release list", () => {
  it("shows each release's T-0 in the viewer's own time and its channel as a link; a Discord or terminal release's channel in words", async () => {
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    await h.slash("UMGR", "create search 2.0.0", { channel: "C2OTHER" });
    const discord = { platform: "discord", key: "discord:G1:1187331275440648216", nativeId: "1187331275440648216" };
    await h.core.bot.handle({ kind: "command", actor: person("dana"), channel: discord, text: "create billing 3.1.0" });
    await h.core.bot.handle({ kind: "command", actor: person("tess"), channel, text: "create ledger 0.9.0" });
    // The Discord and terminal releases are listed in this workspace once their cards are shared into it (as /release share does).
    const here = { platform: "slack", key: `slack:${TEAM}:${CHANNEL}`, nativeId: CHANNEL };
    for (const id of ["R-3", "R-4"]) await h.core.store.addMessageRef(id, { platform: "slack", channel: here, messageId: `shared-${id}` });
    const listed = JSON.stringify((await h.slash("UDEV", "list")).body);
    // The terminal's channel is not a Slack channel called #releases.
    expect(listed).toContain("R-4 ledger 0.9.0 → production · Voting · Pending · no T-0 · in terminal channel #releases");
    const t0 = Date.UTC(2030, 0, 15, 11, 0) / 1000;
    expect(listed).toContain(`R-1 payments 1.4.2 → production · Voting · Pending · T-0 <!date^${t0}^{date_short_pretty} {time}|Tue 15 Jan 2030 12:00 (Europe/Berlin)> (in 2h) · in <#${CHANNEL}>`);
    expect(listed).toContain("R-2 search 2.0.0 → production · Voting · Pending · no T-0 · in <#C2OTHER>");
    expect(listed).toContain("R-3 billing 3.1.0 → production · Voting · Pending · no T-0 · in Discord channel 1187331275440648216");
  });

  it("a list longer than one message holds: whole lines while they fit, then how many more there are", async () => {
    for (let i = 1; i <= 60; i++) await h.core.bot.handle({ kind: "command", actor: person("dana"), channel: { platform: "slack", key: `slack:T1:C${i}X`, nativeId: `C${i}X` }, text: `create service-with-a-long-name-${i} 1.0.0-rc.${i}+build.${i} at in ${i}h env production-eu-west` });
    const body = (await h.slash("UDEV", "list")).body as { text: string; blocks: unknown[] };
    expect(checkMessage({ text: body.text, blocks: body.blocks })).toBeNull();
    const json = JSON.stringify(body.blocks);
    const shown = json.match(/• R-\d+ /g) ?? [];
    const more = /…and (\d+) more not shown here\./.exec(json);
    expect(shown.length).toBeGreaterThan(20);
    expect(shown.length + Number(more?.[1])).toBe(60);
    // Cut between lines: the last line shown ends with its channel link.
    expect(json).toContain(`in <#C${shown.length}X>`);
  });
});

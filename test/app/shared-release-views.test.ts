import { afterEach, describe, expect, it } from "vitest";
import { actorOf, channelKey } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import type { WebScope } from "../../src/app/web-link.js";
import { replyLineText, type Reply } from "../../src/app/views.js";
import { admins, createTestCore, type TestCore } from "../helpers/core.js";
import { releaseChoices } from "../../adapters/discord/interactions.js";

/*
 * A release of acme (T1) shared into globex (T2) is read and voted on there: globex's web view,
 * its App Home and Discord's id picker (both read `overviewFor`) list it as `/release list` does.
 */

const slack = (team: string, user: string): Actor => actorOf({ kind: "person", platform: "slack", scope: team, user }, user.toLowerCase());
const channelOf = (team: string): ChannelRef => ({ platform: "slack", key: channelKey({ platform: "slack", scope: team, channel: "C1" }), nativeId: "C1" });
const ACME = channelOf("T1");
const GLOBEX = channelOf("T2");
const globex: WebScope = { kind: "workspace", platform: "slack", scope: "T2" };
const initech: WebScope = { kind: "workspace", platform: "slack", scope: "T3" };

let core: TestCore;
afterEach(async () => core?.close());

const say = (actor: Actor, text: string) => core.bot.handle({ kind: "command", actor, channel: actor.person.scope === "T1" ? ACME : GLOBEX, text });
const text = (r: Reply) => (r.type === "message" ? [r.text, ...(r.lines ?? []).map(replyLineText)].join("\n") : r.type);

async function sharedIntoGlobex() {
  core = createTestCore({ config: { admins: admins("slack:T1:UADMIN", "slack:T2:UADMIN") } });
  await say(slack("T1", "UALICE"), "create payments 1.4.2 at in 2h");
  await say(slack("T2", "UGINA"), "create search 2.0.0");
  // Shared into globex: its card's copy there is what `/release share` records.
  await core.store.addMessageRef("R-1", { platform: "slack", channel: GLOBEX, messageId: "shared-copy" });
}

const calendarIds = async (scope: WebScope) => {
  const c = await core.bot.webRead({ kind: "web_calendar", scope, zone: "UTC", channel: null });
  return [...c.live, ...c.recent, ...c.days.flatMap((d) => d.releases)].map((r) => r.id).sort();
};

describe("a release shared into another workspace", () => {
  it("is in that workspace's web view, as in its /release list, and nowhere else", async () => {
    await sharedIntoGlobex();
    expect(text(await say(slack("T2", "UHANK"), "list"))).toContain("R-1 payments 1.4.2");
    expect(await calendarIds(globex)).toEqual(["R-1", "R-2"]);
    expect((await core.bot.webRead({ kind: "web_release", scope: globex, id: "R-1" }))?.card.releaseId).toBe("R-1");
    expect(await core.bot.webRead({ kind: "web_owned", scope: globex, ids: ["R-1", "R-2"] })).toEqual(["R-1", "R-2"]);
    // A workspace it was never shared into still sees nothing of it.
    expect(await calendarIds(initech)).toEqual([]);
    expect(await core.bot.webRead({ kind: "web_release", scope: initech, id: "R-1" })).toBeNull();
  });

  it("counts in that workspace's numbers, /release stats and the web view's, as in its list; the operator's count it once", async () => {
    await sharedIntoGlobex();
    const hank = slack("T2", "UHANK");
    expect(text(await say(hank, "stats"))).toContain("2 releases created in it");
    expect(text(await say(hank, "stats payments"))).toContain("📊 Release stats · payments · all environments");
    const numbers = await core.bot.webRead({ kind: "web_numbers", scope: globex, service: null, days: 30, checkAudit: false });
    expect([numbers.stats.releases, numbers.services]).toEqual([2, ["payments", "search"]]);
    // Where it was created, as before; where it was never shared, nothing of it.
    expect(text(await say(slack("T1", "UCAROL"), "stats"))).toContain("1 release created in it");
    expect((await core.bot.webRead({ kind: "web_numbers", scope: initech, service: null, days: 30, checkAudit: false })).stats.releases).toBe(0);
    expect((await core.bot.stats({ service: null, days: 30 })).releases).toBe(2);
  });

  it("is on the App Home (and so in Discord's id picker) of that workspace's people, as in their /release list", async () => {
    await sharedIntoGlobex();
    const hank = slack("T2", "UHANK");
    expect((await core.bot.overviewFor(hank)).map((c) => c.releaseId).sort()).toEqual(["R-1", "R-2"]);
    expect((await core.bot.overviewFor(slack("T3", "UIVY"))).map((c) => c.releaseId)).toEqual([]);
  });

  it("is offered by Discord's id picker in the server it was shared into", async () => {
    core = createTestCore();
    const home: ChannelRef = { platform: "discord", key: "discord:G1:C1", nativeId: "C1" };
    const other: ChannelRef = { platform: "discord", key: "discord:G2:C2", nativeId: "C2" };
    const alice = actorOf({ kind: "person", platform: "discord", scope: "G1", user: "1001" }, "alice");
    await core.bot.handle({ kind: "command", actor: alice, channel: home, text: "create payments 1.4.2" });
    const gus = actorOf({ kind: "person", platform: "discord", scope: "G2", user: "2002" }, "gus");
    expect(await releaseChoices(core.bot, gus, "vote", "")).toEqual([]);
    await core.store.addMessageRef("R-1", { platform: "discord", channel: other, messageId: "shared-copy" });
    expect((await releaseChoices(core.bot, gus, "vote", "")).map((c) => c.value)).toEqual(["R-1"]);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { actorOf, channelKey } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import type { CardAction, FormId } from "../../src/app/events.js";
import { replyLineText, type Reply } from "../../src/app/views.js";
import { admins, createTestCore, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";

/*
 * One gonogo serving two Slack workspaces, acme (T1) and globex (T2). A release of acme's is
 * not globex's to read or act on: its id, typed or pressed in globex, reads as no release at
 * all, word for word as an id nobody has, so globex does not even learn that it exists.
 */

const slack = (team: string, user: string): Actor => actorOf({ kind: "person", platform: "slack", scope: team, user }, user.toLowerCase());
const channelOf = (team: string): ChannelRef => ({ platform: "slack", key: channelKey({ platform: "slack", scope: team, channel: "C1" }), nativeId: "C1" });
const ACME = channelOf("T1");
const GLOBEX = channelOf("T2");
/** An admin of globex only (GONOGO_ADMINS names the workspace): admins may do anything, so only the workspace stops them. */
const globexAdmin = slack("T2", "UADMIN");

let core: TestCore;
afterEach(async () => core?.close());

const say = (actor: Actor, text: string) => core.bot.handle({ kind: "command", actor, channel: actor.person.scope === "T1" ? ACME : GLOBEX, text });
const text = (r: Reply) => (r.type === "message" ? [r.text, ...(r.lines ?? []).map(replyLineText)].filter(Boolean).join("\n") : r.type === "form_errors" ? r.text : `form:${r.form.form}`);
const noSuch = (id: string) => `There is no release ${id} here. \`/release list\` shows the open ones.`;

/** acme's R-1, voting, with a no-go reason acme keeps to itself; both workspaces' channels name a criterion `tests`. */
async function acmeRelease() {
  core = createTestCore({ config: { admins: admins("slack:T1:UADMIN", "slack:T2:UADMIN") } });
  const slackChat = createRecordingSurface("slack");
  core.bot.attachSurface(slackChat.surface);
  await say(slack("T1", "UADMIN"), "criteria set tests");
  await say(slack("T2", "UADMIN"), "criteria set tests");
  await say(slack("T1", "UALICE"), "create payments 1.4.2");
  await say(slack("T1", "UBOB"), "vote R-1 no-go acme secret outage");
  await core.settle();
  return { slackChat, before: await snapshot("R-1") };
}

/** What a refused request must leave as it was: the release row, its votes and its whole audit trail. */
async function snapshot(id: string) {
  return { release: await core.store.getRelease(id), votes: await core.store.getVotes(id), audit: (await core.store.listAudit(id)).length };
}

describe("a release id from another workspace", () => {
  it.each([
    "audit R-1",
    "audit export R-1",
    "status R-1",
    "retro R-1 show",
    "retro R-1",
    "vote R-1 go",
    "retract R-1",
    "schedule R-1 in 2h",
    "update R-1 version 9.9.9",
    "ship R-1",
    "ship R-1 override hotfix",
    "shipped R-1",
    "hold R-1 our call",
    "cancel R-1 our call",
    "rollback R-1 error rate",
    "recovered R-1",
    "check R-1 tests pass",
    "share R-1",
  ])("`%s` in globex reads as no such release there, as an id nobody has does, and changes nothing", async (command) => {
    const { slackChat, before } = await acmeRelease();
    const reply = await say(globexAdmin, command);
    const nobodys = await say(globexAdmin, command.replace("R-1", "R-99"));
    expect(reply).toMatchObject({ error: true });
    expect(text(reply)).toContain(noSuch("R-1"));
    expect(text(reply).replace("R-1", "R-99")).toBe(text(nobodys));
    await core.settle();
    expect(await snapshot("R-1")).toEqual(before);
    expect(slackChat.posts.map((p) => p.channel.key)).toEqual([ACME.key]);
  });

  it("`share R-1` in globex also says how a release of another workspace comes there, in words that fit an id nobody has", async () => {
    await acmeRelease();
    const reply = text(await say(globexAdmin, "share R-1"));
    expect(reply).toContain(noSuch("R-1"));
    expect(reply).toContain("`/release link`");
    expect(reply.replace("R-1", "R-99")).toBe(text(await say(globexAdmin, "share R-99")));
  });

  it.each<[CardAction, string | undefined]>([
    ["go", undefined],
    ["abstain", undefined],
    ["no_go", undefined],
    ["rollback", undefined],
    ["retro", undefined],
    ["check", "tests:pass"],
  ])("a %s press naming it in globex (a forged or replayed button) is refused the same way", async (action, option) => {
    const { before } = await acmeRelease();
    const reply = await core.bot.handle({ kind: "button", actor: globexAdmin, channel: GLOBEX, releaseId: "R-1", action, ...(option ? { option } : {}) });
    expect(text(reply)).toBe(noSuch("R-1"));
    expect(await snapshot("R-1")).toEqual(before);
  });

  it.each<[FormId, Record<string, string>]>([
    ["no_go", { reason: "not ours to stop" }],
    ["rollback", { reason: "error rate" }],
    ["retro", { went_well: "fast", went_badly: "", action_items: "" }],
    ["check", { note: "https://ci.example/run/1" }],
  ])("a %s form naming it, sent in globex, is refused the same way", async (form, values) => {
    const { before } = await acmeRelease();
    const reply = await core.bot.handle({ kind: "form", actor: globexAdmin, channel: GLOBEX, form, releaseId: "R-1", values, tag: form === "check" ? "tests:pass" : null });
    expect(text(reply)).toContain(noSuch("R-1"));
    expect(await snapshot("R-1")).toEqual(before);
  });

  it("comes into globex when someone in both shares it there: then globex reads its card and trail and votes on it", async () => {
    const { slackChat } = await acmeRelease();
    const [danaInAcme, danaInGlobex] = [slack("T1", "UDANA"), slack("T2", "UDANA")];
    const code = /link code is `([A-Z0-9]{4}-[A-Z0-9]{4})`/.exec(text(await say(danaInAcme, "link")))?.[1];
    expect(text(await say(danaInGlobex, `link ${code}`))).toContain("now count as one voter");
    expect(text(await say(danaInGlobex, "share R-1"))).toContain("Posting R-1's card here");
    await core.settle();
    expect(slackChat.posts.map((p) => p.channel.key)).toEqual([ACME.key, GLOBEX.key]);
    const hank = slack("T2", "UHANK");
    expect(text(await say(hank, "audit R-1"))).toContain("ubob voted NO-GO (acme secret outage)");
    expect(text(await say(hank, "vote R-1 go"))).toContain("Your GO on R-1 is in");
    // Its export there holds what its timeline there shows: every event of it.
    const exported = await say(globexAdmin, "audit export R-1");
    expect(text(exported)).toContain("Audit export of R-1: 3 events");
    expect(exported.type === "message" && exported.files![0]!.content).toContain("acme secret outage");
  });

  it("is not in globex's `/release list` until its card is shared there; globex's own are", async () => {
    await acmeRelease();
    await say(slack("T2", "UGINA"), "create search 2.0.0");
    const listed = async () => text(await say(slack("T2", "UHANK"), "list"));
    expect(await listed()).toContain("R-2 search 2.0.0");
    expect(await listed()).not.toContain("payments");
    await core.store.addMessageRef("R-1", { platform: "slack", channel: GLOBEX, messageId: "shared-copy" });
    expect(await listed()).toContain("R-1 payments 1.4.2");
  });

  it("is not counted in globex's `/release stats`, nor its service named there", async () => {
    await acmeRelease();
    await say(slack("T2", "UGINA"), "create search 2.0.0");
    const stats = text(await say(slack("T2", "UHANK"), "stats"));
    expect(stats).toContain("1 release created in it");
    const payments = await say(slack("T2", "UHANK"), "stats payments");
    expect(text(payments)).toBe("No release of payments is known, so it has no stats. Services with releases: search. `/release stats` covers every service.");
    expect(text(await say(slack("T1", "UCAROL"), "stats"))).toContain("1 release created in it");
  });

  it("leaves acme's locks and queues out of globex's `/release locks`: their reasons and release ids are acme's", async () => {
    await acmeRelease();
    const acmeAdmin = slack("T1", "UADMIN");
    await say(acmeAdmin, "policy set quorum=1");
    await say(acmeAdmin, "create billing 3.0.0");
    await say(acmeAdmin, "create billing 3.0.1");
    await say(slack("T1", "UCAROL"), "vote R-2 go");
    await say(slack("T1", "UCAROL"), "vote R-3 go");
    for (const id of ["R-2", "R-3"]) await say(acmeAdmin, `check ${id} tests pass`);
    await say(acmeAdmin, "ship R-2");
    await say(acmeAdmin, "ship R-3");
    await say(acmeAdmin, "lock payments reason acme breach 7");
    const acme = text(await say(slack("T1", "UCAROL"), "locks"));
    expect(acme).toContain("acme breach 7");
    expect(acme).toContain("R-3 (behind R-2)");
    const globex = text(await say(slack("T2", "UHANK"), "locks"));
    expect(globex).toBe("Deploy locks:\n• none\nQueues (one release at a time ships per service + environment):\n• none");
  });

  it("shows a lock set before locks recorded their channel in its locker's workspace only", async () => {
    await acmeRelease();
    // As gonogo 747a638 left it (test/fixtures/upgrade/): no channel, on a service nobody has a release of.
    await core.store.addLock({ service: "ledger", environment: "production", reason: "acme audit 9", lockedBy: "slack:T1:UADMIN", lockedByName: "uadmin", at: core.clock.now(), releaseId: null, channel: null });
    expect(text(await say(slack("T1", "UCAROL"), "locks"))).toContain("ledger production is locked by uadmin: acme audit 9");
    expect(text(await say(slack("T2", "UHANK"), "locks"))).not.toContain("acme audit 9");
  });

  it("leaves acme's channel as it was when globex's admin sets policy, criteria and a freeze in globex's channel of the same id (C1)", async () => {
    await acmeRelease();
    const acmeSees = async () => [await say(slack("T1", "UCAROL"), "policy"), await say(slack("T1", "UCAROL"), "criteria"), await say(slack("T1", "UCAROL"), "freeze list")].map(text);
    const before = await acmeSees();
    await say(globexAdmin, "policy set quorum=5 require=security t0=cancel");
    await say(globexAdmin, "criteria set lint, review:security");
    expect(text(await say(globexAdmin, "freeze add now until in 2d reason globex launch"))).toContain("Freeze F-1 added");
    expect(await acmeSees()).toEqual(before);
    expect(text(await say(slack("T1", "UBOB"), "vote R-1 go"))).toContain("Decision: Pending: 1 of 2 GO · criteria open: tests");
  });

  it("still answers in its own workspace", async () => {
    await acmeRelease();
    expect(text(await say(slack("T1", "UCAROL"), "audit R-1"))).toContain("ubob voted NO-GO (acme secret outage)");
  });
});

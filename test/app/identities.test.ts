import { afterEach, describe, expect, it } from "vitest";
import { actorOf, channelKey, type SubjectId } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import { replyLineText, type Reply } from "../../src/app/views.js";
import { admins, channel as terminalChannel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";

/** Who is who on Slack and Discord, as the adapters hand people and channels to the core. */
const slack = (team: string, user: string, groups: SubjectId[] = []): Actor => actorOf({ kind: "person", platform: "slack", scope: team, user }, user, groups);
const discord = (guild: string, user: string, groups: SubjectId[] = []): Actor => actorOf({ kind: "person", platform: "discord", scope: guild, user }, user, groups);
const channelIn = (platform: "slack" | "discord", scope: string, id: string): ChannelRef => ({ platform, key: channelKey({ platform, scope, channel: id }), nativeId: id });

const GUILD = "1001";
const QA_ROLE = `discord-role:${GUILD}:3001` as SubjectId;
const GUILD_CHANNEL = channelIn("discord", GUILD, "4001");

let core: TestCore;
afterEach(async () => core?.close());

function setup(config: Parameters<typeof createTestCore>[0] = {}) {
  core = createTestCore(config);
  const chats = ["terminal", "slack", "discord"].map((platform) => createRecordingSurface(platform));
  for (const chat of chats) core.bot.attachSurface(chat.surface);
  const say = (actor: Actor, text: string, where: ChannelRef = terminalChannel) => core.bot.handle({ kind: "command", actor, channel: where, text });
  return { say, discordChat: chats[2]! };
}

const text = (reply: Reply) => (reply.type === "message" ? [reply.text, ...(reply.lines ?? []).map(replyLineText)].filter(Boolean).join("\n") : "");
const refused = (reply: Reply) => reply.type === "message" && reply.error;

describe("who is an admin", () => {
  it("takes a bare Slack user id from GONOGO_ADMINS as that user in every workspace, and not as a terminal user of that name", async () => {
    const { say } = setup({ config: { admins: admins("UOPS") } });
    expect(refused(await say(slack("T1", "UOPS"), "policy set quorum=3", channelIn("slack", "T1", "C1")))).toBe(false);
    expect(refused(await say(slack("T2", "UOPS"), "policy set quorum=3", channelIn("slack", "T2", "C1")))).toBe(false);
    expect(text(await say(person("UOPS"), "policy set quorum=3"))).toContain("Only admins");
  });

  it("takes a full id as that user in their own workspace only", async () => {
    const { say } = setup({ config: { admins: admins("slack:T1:UOPS") } });
    expect(refused(await say(slack("T1", "UOPS"), "policy set quorum=3", channelIn("slack", "T1", "C1")))).toBe(false);
    expect(text(await say(slack("T2", "UOPS"), "policy set quorum=3", channelIn("slack", "T2", "C1")))).toContain("Only admins");
  });
});

describe("roles held by a platform group", () => {
  it("counts a GO from a member of a Discord role that holds a sign-off role, and not from others", async () => {
    const { say } = setup({ config: { admins: admins(`discord:${GUILD}:2001`) } });
    const admin = discord(GUILD, "2001");
    expect(text(await say(admin, `role grant ${QA_ROLE} qa`, GUILD_CHANNEL))).toContain("3001 now has the role qa");
    await say(admin, "policy set require=qa quorum=1", GUILD_CHANNEL);
    await say(discord(GUILD, "2002"), "create payments 1.4.2", GUILD_CHANNEL);

    await say(discord(GUILD, "2003"), "vote R-1 go", GUILD_CHANNEL);
    expect(text(await say(admin, "list", GUILD_CHANNEL))).toContain("· Pending");
    await say(discord(GUILD, "2004", [QA_ROLE]), "vote R-1 go", GUILD_CHANNEL);
    expect(text(await say(admin, "list", GUILD_CHANNEL))).toContain("· GO");
  });

  it("mentions a group holding a missing sign-off as a group in the reminder, and its people as people", async () => {
    const { say, discordChat } = setup({ config: { admins: admins(`discord:${GUILD}:2001`), require: ["qa"] } });
    const admin = discord(GUILD, "2001");
    await say(admin, `role grant ${QA_ROLE} qa`, GUILD_CHANNEL);
    await say(admin, `role grant discord:${GUILD}:2005 qa`, GUILD_CHANNEL);
    await say(discord(GUILD, "2002"), "create payments 1.4.2 at in 61m", GUILD_CHANNEL);
    core.clock.advance(60_000);
    await core.bot.runDueJobs();
    await core.bot.idle();
    const [reminder] = discordChat.notices;
    expect(reminder?.notice.mention).toEqual([`discord:${GUILD}:2005`]);
    expect(reminder?.notice.mentionGroups).toEqual([QA_ROLE]);
  });

  it("refuses a group as a release manager: a manager is one person", async () => {
    const { say } = setup();
    const reply = await say(person("alice"), "create payments 1.4.2 manager slack-group:T1:S9");
    expect(refused(reply)).toBe(true);
    expect(text(reply)).toContain("a release manager is one person");
    expect(await core.store.getRelease("R-1")).toBeUndefined();
  });

  it("refuses an id that is no person or group instead of binding a role to it", async () => {
    const { say } = setup();
    expect(text(await say(person("admin"), "role grant foo:bar qa"))).toContain("`foo:bar` is not a user name");
    expect(await core.store.listRoleBindings()).toEqual([]);
  });
});

describe("people named in Slack and Discord commands", () => {
  it("refuses a name sent as plain text (not picked as a mention) for a role or a release manager; a mention works; revoke still clears an old entry", async () => {
    const { say } = setup({ config: { admins: admins("slack:T1:UADMIN", `discord:${GUILD}:2001`) } });
    const admin = slack("T1", "UADMIN");
    const here = channelIn("slack", "T1", "C1");
    for (const typed of ["quinn", "@quinn"]) {
      const reply = await say(admin, `role grant ${typed} qa`, here);
      expect(refused(reply)).toBe(true);
      expect(text(reply)).toBe(`I cannot tell who \`${typed}\` is: Slack sent it as plain text, not as a person. Type @ and pick them from Slack's list so it becomes a mention, then send the command again.`);
    }
    expect(await core.store.listRoleBindings()).toEqual([]);
    expect(text(await say(discord(GUILD, "2001"), "role grant quinn qa", GUILD_CHANNEL))).toContain("Discord sent it as plain text");
    expect(text(await say(admin, "create payments 1.4.2 manager @nobody", here))).toContain("I cannot tell who `@nobody` is");
    expect(await core.store.getRelease("R-1")).toBeUndefined();
    // What the Slack adapter makes of <@UQA|quinn>: the person, in their workspace.
    expect(refused(await say(admin, "role grant slack:T1:UQA qa", here))).toBe(false);
    expect((await core.store.listRoleBindings()).map((b) => b.subject)).toEqual(["slack:T1:UQA"]);
    // A name bound before this check (it never applied) can still be cleared.
    await core.store.grantRole({ subject: "slack:T1:quinn", role: "qa", grantedBy: "slack:T1:UADMIN", at: 0 });
    expect(refused(await say(admin, "role revoke quinn qa", here))).toBe(false);
    expect((await core.store.listRoleBindings()).map((b) => b.subject)).toEqual(["slack:T1:UQA"]);
  });
});

describe("the overview (App Home)", () => {
  it("shows each person the live releases of their own workspace or server, plus those they manage", async () => {
    const { say } = setup();
    const dana = slack("T1", "UDANA");
    await say(dana, "create in-t1 1.0", channelIn("slack", "T1", "C1"));
    await say(slack("T2", "UERIN"), "create in-t2 1.0", channelIn("slack", "T2", "C1"));
    await say(discord(GUILD, "2006"), "create in-guild 1.0", GUILD_CHANNEL);
    await say(person("gus"), "create in-terminal 1.0 manager slack:T2:UDANA");
    const services = async (actor: Actor) => (await core.bot.overviewFor(actor)).map((c) => c.title.split(" ")[0]).sort();

    expect(await services(dana)).toEqual(["in-t1"]);
    expect(await services(slack("T2", "UDANA"))).toEqual(["in-t2", "in-terminal"]);
    expect(await services(discord(GUILD, "2006"))).toEqual(["in-guild"]);
    expect(await services(person("hana"))).toEqual(["in-terminal"]);
  });

  it("lists the soonest T-0 first, unscheduled releases after it, newest first", async () => {
    const { say } = setup();
    const here = channelIn("slack", "T1", "C1");
    const dana = slack("T1", "UDANA");
    await say(dana, "create later 1.0 at in 36d", here);
    await say(dana, "create unscheduled-old 1.0", here);
    await say(dana, "create soon 1.0 at in 17m", here);
    await say(dana, "create unscheduled-new 1.0", here);
    expect((await core.bot.overviewFor(dana)).map((c) => c.title.split(" ")[0])).toEqual(["soon", "later", "unscheduled-new", "unscheduled-old"]);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { actorOf, channelKey, type SubjectId } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import { replyLineText, type Reply } from "../../src/app/views.js";
import { admins, createTestCore, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";

/*
 * Role bindings when one gonogo serves two Slack workspaces, acme (T1) and globex (T2), and a
 * Discord server (1001, acme's team on Discord). A role is bound to a workspace-qualified id, so it
 * is that workspace's business: another workspace neither reads it nor hands it out. A person
 * whose accounts are linked (`/release link`) is in both places, and may do so in both.
 */

const slack = (team: string, user: string): Actor => actorOf({ kind: "person", platform: "slack", scope: team, user }, user.toLowerCase());
const discord = (guild: string, user: string): Actor => actorOf({ kind: "person", platform: "discord", scope: guild, user }, `d${user}`);
const slackChannel = (team: string): ChannelRef => ({ platform: "slack", key: channelKey({ platform: "slack", scope: team, channel: "C1" }), nativeId: "C1" });
const discordChannel = (guild: string): ChannelRef => ({ platform: "discord", key: channelKey({ platform: "discord", scope: guild, channel: "4001" }), nativeId: "4001" });

const acmeAdmin = slack("T1", "UADMIN");
const globexAdmin = slack("T2", "UADMIN");
/** `UOPS` in GONOGO_ADMINS: the operator, an admin in whichever Slack workspace they act in. */
const operatorIn = (team: string) => slack(team, "UOPS");

let core: TestCore;
afterEach(async () => core?.close());

function setup() {
  core = createTestCore({ config: { admins: admins("slack:T1:UADMIN", "slack:T2:UADMIN", "UOPS", "discord:1001:2001") } });
}

const where = (actor: Actor) => (actor.person.platform === "discord" ? discordChannel : slackChannel)(actor.person.scope!);
const say = (actor: Actor, text: string) => core.bot.handle({ kind: "command", actor, channel: where(actor), text });
const text = (r: Reply) => (r.type === "message" ? [r.text, ...(r.lines ?? []).map(replyLineText)].filter(Boolean).join("\n") : "");

/** Links two accounts of one person, as `/release link` on one and the code typed on the other does. */
async function link(a: Actor, b: Actor) {
  const code = /link code is `([A-Z0-9]{4}-[A-Z0-9]{4})`/.exec(text(await say(a, "link")))?.[1];
  expect(text(await say(b, `link ${code}`))).toContain("now count as one voter");
}

/** Each workspace's admin binds roles to its own people and groups. */
async function bindBoth() {
  await say(acmeAdmin, "role grant slack:T1:UQUINN qa");
  await say(acmeAdmin, "role grant slack-group:T1:SQA security");
  await say(globexAdmin, "role grant slack:T2:UHANK oncall");
}

describe("/release role list", () => {
  it("shows in each workspace the bindings of its own people and groups, and the GONOGO_ADMINS entries that are admins there", async () => {
    setup();
    await bindBoth();
    expect(text(await say(slack("T2", "UGINA"), "role list"))).toBe("Roles:\n• admin (from GONOGO_ADMINS): slack:T2:UADMIN, UOPS\n• oncall: UHANK");
    expect(text(await say(slack("T1", "UCAROL"), "role list"))).toBe("Roles:\n• admin (from GONOGO_ADMINS): slack:T1:UADMIN, UOPS\n• qa: UQUINN\n• security: SQA");
  });

  it("shows someone whose accounts are linked the bindings of each place they are in", async () => {
    setup();
    await bindBoth();
    await link(slack("T1", "UDANA"), slack("T2", "UDANA"));
    const listed = text(await say(slack("T2", "UDANA"), "role list"));
    expect(listed).toBe("Roles:\n• admin (from GONOGO_ADMINS): slack:T1:UADMIN, slack:T2:UADMIN, UOPS\n• oncall: UHANK\n• qa: UQUINN\n• security: SQA");
  });

  it("names no admin of another workspace where GONOGO_ADMINS has none: says who adds one, as where it is empty", async () => {
    setup();
    await bindBoth();
    // UOPS is a Slack id: an admin in every Slack workspace, none on Discord.
    const elsewhere = text(await say(discord("1002", "2009"), "role list"));
    expect(elsewhere).toBe("Roles:\n• admin: nobody here from GONOGO_ADMINS (whoever runs gonogo adds admins' ids there, e.g. yours: discord:1002:2009)");
    await core.close();
    core = createTestCore({ config: { admins: [] } });
    expect(text(await say(discord("1002", "2009"), "role list"))).toBe(elsewhere);
  });
});

/** The refusal of a role change for someone of another workspace or server: it echoes only what was typed. */
const notHere = (id: string, where: string, verb: "Grant" | "Revoke") =>
  `${id} is not in ${where}, nor where one of your linked accounts is. ${verb} roles where that person or group works, or link your accounts with \`/release link\` first.`;

/** The refusal of a role change in a place the asker is in only through a linked account that may not change roles there. */
const notAdminThere = (id: string, verb: "Grant" | "Revoke") =>
  `${id} is where one of your linked accounts is, but that account may not change roles there. ${verb} roles there as one of its admins, or ask one of them.`;

describe("/release role grant and revoke", () => {
  it("refuses a globex admin a role for acme's person or group, says where to grant it, and binds nothing", async () => {
    setup();
    for (const id of ["slack:T1:UQUINN", "slack-group:T1:SQA"]) {
      const reply = await say(globexAdmin, `role grant ${id} release-manager`);
      expect(reply).toMatchObject({ error: true });
      expect(text(reply)).toBe(notHere(id, "this Slack workspace", "Grant"));
    }
    expect(await core.store.listRoleBindings()).toEqual([]);
    // Recorded as the refused role change it is.
    const refusals = (await core.store.listAuditRange(0, Number.MAX_SAFE_INTEGER)).filter((e) => e.type === "permission_refused");
    expect(refusals.map((e) => [e.actor, e.data.action])).toEqual([["slack:T2:UADMIN", "roles"], ["slack:T2:UADMIN", "roles"]]);
  });

  it("refuses a globex admin taking away acme's roles, in words that do not tell whether the binding exists", async () => {
    setup();
    await bindBoth();
    const bound = await say(globexAdmin, "role revoke slack:T1:UQUINN qa");
    const unbound = await say(globexAdmin, "role revoke slack:T1:UNOBODY qa");
    expect(text(bound)).toBe(notHere("slack:T1:UQUINN", "this Slack workspace", "Revoke"));
    expect(text(bound).replace("UQUINN", "UNOBODY")).toBe(text(unbound));
    expect((await core.store.listRoleBindings()).map((b) => `${b.subject} ${b.role}`)).toContain("slack:T1:UQUINN qa");
  });

  it("lets the operator (a bare id in GONOGO_ADMINS) bind roles in each workspace they act in, to that workspace's people", async () => {
    setup();
    expect(text(await say(operatorIn("T1"), "role grant slack:T1:UQUINN qa"))).toContain("now has the role qa");
    expect(text(await say(operatorIn("T2"), "role grant slack:T2:UHANK qa"))).toContain("now has the role qa");
    expect(text(await say(operatorIn("T2"), "role grant slack:T1:UCAROL qa"))).toBe(notHere("slack:T1:UCAROL", "this Slack workspace", "Grant"));
    expect(text(await say(operatorIn("T2"), "role revoke slack:T1:UQUINN qa"))).toBe(notHere("slack:T1:UQUINN", "this Slack workspace", "Revoke"));
    expect((await core.store.listRoleBindings()).map((b) => b.subject).sort()).toEqual(["slack:T1:UQUINN", "slack:T2:UHANK"]);
  });

  it("lets a Slack admin whose linked Discord account is an admin there bind roles to Discord people and roles of that server, and take them back", async () => {
    setup();
    expect(text(await say(acmeAdmin, "role grant discord:1001:2002 qa"))).toBe(notHere("discord:1001:2002", "this Slack workspace", "Grant"));
    // Their Discord account is an admin in that server too (GONOGO_ADMINS names it).
    await link(acmeAdmin, discord("1001", "2001"));
    expect(text(await say(acmeAdmin, "role grant discord:1001:2002 qa"))).toContain("now has the role qa");
    expect(text(await say(acmeAdmin, "role grant discord-role:1001:3001 oncall"))).toContain("now has the role oncall");
    expect(text(await say(acmeAdmin, "role revoke discord:1001:2002 qa"))).toContain("no longer has the role qa");
    // Another Discord server is still not theirs.
    expect(text(await say(acmeAdmin, "role grant discord:1002:2002 qa"))).toBe(notHere("discord:1002:2002", "this Slack workspace", "Grant"));
    expect((await core.store.listRoleBindings()).map((b) => `${b.subject} ${b.role}`)).toEqual(["discord-role:1001:3001 oncall"]);
  });

  it("does not let an admin of globex, linked to a plain member's account in acme, hand out roles in acme, not even admin to that account", async () => {
    setup();
    const hankInAcme = slack("T1", "UHANK");
    await link(globexAdmin, hankInAcme);
    for (const command of ["role grant slack:T1:UHANK admin", "role grant slack:T1:UQUINN release-manager"]) {
      const reply = await say(globexAdmin, command);
      expect(reply).toMatchObject({ error: true });
      expect(text(reply)).toBe(notAdminThere(command.split(" ")[2]!, "Grant"));
    }
    expect(await core.store.listRoleBindings()).toEqual([]);
    // Once acme's own admin makes that account an admin there, the person may do it from either account.
    await say(acmeAdmin, "role grant slack:T1:UHANK admin");
    expect(text(await say(globexAdmin, "role grant slack:T1:UQUINN qa"))).toContain("now has the role qa");
  });

  it("refuses in a Discord server a role for a Slack person its asker is not linked to, naming the server", async () => {
    setup();
    expect(text(await say(discord("1001", "2001"), "role grant slack:T1:UQUINN qa"))).toBe(notHere("slack:T1:UQUINN", "this Discord server", "Grant"));
  });
});

describe("a role bound in acme", () => {
  it("gives the same user id in globex nothing: no admin, no release-manager, no sign-off, by person or by group", async () => {
    setup();
    for (const role of ["admin", "release-manager", "qa"]) await say(acmeAdmin, `role grant slack:T1:U1 ${role}`);
    await say(acmeAdmin, "role grant slack-group:T1:SQA qa");
    const u1 = slack("T2", "U1");
    expect(text(await say(u1, "policy set quorum=1"))).toContain("Only admins may change the channel policy");
    expect(text(await say(u1, "freeze add now until in 2h reason ours"))).toContain("Only release-managers and admins may add or remove freeze windows");
    expect(text(await say(u1, "role grant slack:T2:U1 admin"))).toContain("Only admins may change role bindings");

    await say(globexAdmin, "policy set quorum=1 require=qa");
    await say(slack("T2", "UGINA"), "create search 2.0.0");
    // Each GO counts, as no sign-off: acme's qa is bound to acme's U1 and to acme's group SQA, not to globex's of the same ids.
    expect(text(await say(u1, "vote R-1 go"))).toContain("Decision: Pending: waiting for qa");
    const member = actorOf({ kind: "person", platform: "slack", scope: "T2", user: "UMEMBER" }, "member", ["slack-group:T2:SQA" as SubjectId]);
    expect(text(await say(member, "vote R-1 go"))).toContain("Decision: Pending: waiting for qa");
    expect((await core.store.getVotes("R-1")).map((v) => v.roles)).toEqual([[], []]);
    // globex's own qa holder signs off.
    await say(globexAdmin, "role grant slack:T2:UQA qa");
    expect(text(await say(slack("T2", "UQA"), "vote R-1 go"))).toContain("Decision: GO");
  });
});

describe("a role the policy or the criteria name", () => {
  it("is said to be held by nobody in globex while only acme's people hold it, as in a workspace where nobody does", async () => {
    setup();
    await say(acmeAdmin, "role grant slack:T1:UQUINN qa");
    await say(acmeAdmin, "role grant slack-group:T1:SSEC security");
    expect(text(await say(globexAdmin, "policy set require=qa"))).toContain("Nobody holds qa yet, so no GO can count as its sign-off");
    expect(text(await say(globexAdmin, "criteria set tests:qa, review:security"))).toContain("Nobody holds qa yet, so only admins can tick tests");
    expect(text(await say(globexAdmin, "criteria set tests:qa, review:security"))).toContain("Nobody holds security yet, so only admins can tick review");
    expect(text(await say(acmeAdmin, "policy set require=qa"))).not.toContain("Nobody holds");
    expect(text(await say(acmeAdmin, "criteria set tests:qa, review:security"))).not.toContain("Nobody holds");
  });

  it("counts as held where the admin's linked account is: the team's Discord qa people for its Slack channel", async () => {
    setup();
    // Their Discord account is an admin in that server too (GONOGO_ADMINS names it).
    await link(acmeAdmin, discord("1001", "2001"));
    await say(acmeAdmin, "role grant discord:1001:2002 qa");
    expect(text(await say(acmeAdmin, "policy set require=qa"))).not.toContain("Nobody holds");
  });
});

describe("who a release's reminders and alerts call", () => {
  /** acme's R-1 requiring qa, its first reminder due in a minute, with chat on Slack and Discord recorded. */
  async function acmeReleaseAwaitingQa() {
    const chats = ["slack", "discord"].map((platform) => createRecordingSurface(platform));
    for (const chat of chats) core.bot.attachSurface(chat.surface);
    await say(acmeAdmin, "policy set require=qa");
    await say(slack("T1", "UALICE"), "create payments 1.4.2 at in 61m");
    return chats[0]!;
  }
  const firstReminder = async (chat: ReturnType<typeof createRecordingSurface>) => {
    core.clock.advance(60_000);
    await core.bot.runDueJobs();
    await core.settle();
    return chat.notices.find((n) => n.notice.text.startsWith("⏰"))!.notice;
  };

  it("leaves globex's qa people and groups out of acme's reminder, and tells acme nobody where R-1 is holds qa", async () => {
    setup();
    await say(globexAdmin, "role grant slack:T2:UHANK qa");
    await say(globexAdmin, "role grant slack-group:T2:SQA qa");
    const reminder = await firstReminder(await acmeReleaseAwaitingQa());
    expect(reminder.text).toContain("Still waiting for sign-off from qa: nobody where R-1 is holds this role yet (`/release role grant <user> qa`, or `/release share R-1` where its holders are).");
    expect([reminder.mention, reminder.mentionGroups]).toEqual([[], []]);
  });

  it("calls acme's Discord qa people and roles once R-1's card is shared into their server, and still not globex's", async () => {
    setup();
    // Their Discord account is an admin in that server too (GONOGO_ADMINS names it).
    const adminOnDiscord = discord("1001", "2001");
    await link(acmeAdmin, adminOnDiscord);
    await say(acmeAdmin, "role grant discord:1001:2002 qa");
    await say(acmeAdmin, "role grant discord-role:1001:3001 qa");
    await say(globexAdmin, "role grant slack:T2:UHANK qa");
    const slackChat = await acmeReleaseAwaitingQa();
    expect(text(await say(adminOnDiscord, "share R-1"))).toContain("Posting R-1's card here");
    await core.settle();
    const reminder = await firstReminder(slackChat);
    expect(reminder.text).toContain("Still waiting for sign-off from qa.");
    expect([reminder.mention, reminder.mentionGroups]).toEqual([["discord:1001:2002"], ["discord-role:1001:3001"]]);
  });

  it("pages acme's on-call, not globex's, when acme's deploy fails", async () => {
    setup();
    const chat = createRecordingSurface("slack");
    core.bot.attachSurface(chat.surface);
    await say(acmeAdmin, "role grant slack:T1:UOSCAR oncall");
    await say(globexAdmin, "role grant slack:T2:UHANK oncall");
    await say(globexAdmin, "role grant slack-group:T2:SOPS oncall");
    await say(acmeAdmin, "policy set quorum=1");
    await say(slack("T1", "UALICE"), "create payments 1.4.2");
    await say(slack("T1", "UBOB"), "vote R-1 go");
    await say(slack("T1", "UALICE"), "ship R-1");
    await core.bot.handleHook({ kind: "deploy", signature: "sig-failed", report: { release: "R-1", status: "failed" } });
    await core.settle();
    const page = chat.notices.find((n) => n.notice.text.includes("failed"))!.notice;
    expect([page.mention, page.mentionGroups]).toEqual([["slack:T1:UALICE", "slack:T1:UOSCAR"], []]);
  });
});

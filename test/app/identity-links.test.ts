import { afterEach, describe, expect, it } from "vitest";
import { actorOf, channelKey } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import { replyLineText, type Reply } from "../../src/app/views.js";
import { admins, createTestCore, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";

/** One person, dana, on Slack and on Discord; bob and carol on Slack. */
const slack = (user: string, name = user): Actor => actorOf({ kind: "person", platform: "slack", scope: "T1", user }, name);
const discord = (user: string, name = user): Actor => actorOf({ kind: "person", platform: "discord", scope: "1001", user }, name);
const SLACK_CHANNEL: ChannelRef = { platform: "slack", key: channelKey({ platform: "slack", scope: "T1", channel: "C1" }), nativeId: "C1" };
const DISCORD_CHANNEL: ChannelRef = { platform: "discord", key: channelKey({ platform: "discord", scope: "1001", channel: "4001" }), nativeId: "4001" };
const danaOnSlack = slack("UDANA", "dana");
const danaOnDiscord = discord("2002", "dana_d");

let core: TestCore;
afterEach(async () => core?.close());

function setup(config: Parameters<typeof createTestCore>[0] = {}) {
  core = createTestCore(config);
  const chats = ["slack", "discord"].map((platform) => createRecordingSurface(platform));
  for (const chat of chats) core.bot.attachSurface(chat.surface);
  const say = (actor: Actor, text: string) => core.bot.handle({ kind: "command", actor, channel: actor.person.platform === "slack" ? SLACK_CHANNEL : DISCORD_CHANNEL, text });
  return { say, slackChat: chats[0]!, discordChat: chats[1]! };
}

/** The Slack release's card is in the Discord channel too, as `/release share` there puts it: its people may vote on it there. */
const onDiscordToo = (releaseId: string) => core.store.addMessageRef(releaseId, { platform: "discord", channel: DISCORD_CHANNEL, messageId: `card-${releaseId}` });

const text = (reply: Reply) => (reply.type === "message" ? [reply.text, ...(reply.lines ?? []).map(replyLineText)].filter(Boolean).join("\n") : "");
const refused = (reply: Reply) => reply.type === "message" && reply.error;
const codeIn = (reply: Reply) => /link code is `([A-Z0-9]{4}-[A-Z0-9]{4})`/.exec(text(reply))?.[1];

async function link(say: ReturnType<typeof setup>["say"], from: Actor, to: Actor): Promise<Reply> {
  const code = codeIn(await say(from, "link"));
  expect(code).toBeDefined();
  return say(to, `link ${code!.toLowerCase()}`);
}

describe("/release link: one person on Slack and Discord is one voter", () => {
  it("gives a code that says how to use it on the other platform, and using it there links the two accounts by name", async () => {
    const { say } = setup();
    const asked = await say(danaOnSlack, "link");
    expect(refused(asked)).toBe(false);
    expect(text(asked)).toMatch(/It works once, for 10 minutes/);
    expect(text(asked)).toContain(`in Discord /release link with code ${codeIn(asked)}`);
    const linked = await say(danaOnDiscord, `link ${codeIn(asked)}`);
    expect(text(linked)).toContain("Linked: this account and dana on Slack now count as one voter.");
    expect(await core.store.linkedAccounts(danaOnDiscord.id)).toEqual([{ account: danaOnSlack.id, name: "dana" }]);
    const trail = await core.store.listAuditRange(0, Number.MAX_SAFE_INTEGER);
    expect(trail.find((e) => e.type === "accounts_linked")).toMatchObject({ actor: danaOnDiscord.id, data: { account: danaOnSlack.id, accountName: "dana" } });
  });

  it("counts dana once: a GO from Slack then from Discord is one GO, and the later vote is the one that stands", async () => {
    const { say, slackChat } = setup({ config: { quorum: 2 } });
    await link(say, danaOnSlack, danaOnDiscord);
    await say(slack("UBOB", "bob"), "create payments 1.2.3");
    await say(danaOnSlack, "vote R-1 go");
    const again = await say(danaOnDiscord, "vote R-1 no-go migration untested");
    expect(text(again)).toContain("replaces your GO");
    const votes = await core.store.getVotes("R-1");
    expect(votes.map((v) => [v.voter, v.choice])).toEqual([[danaOnDiscord.id, "no_go"]]);
    await say(danaOnDiscord, "vote R-1 go");
    expect(text(await say(danaOnSlack, "vote R-1 go"))).toContain("Decision: Pending: 1 of 2 GO");
    await core.settle();
    expect(slackChat.latestCard("R-1")!.tally.go).toBe(1);
    const changed = (await core.store.listAudit("R-1")).filter((e) => e.type === "vote_changed").map((e) => e.data.movedFrom);
    expect(changed).toEqual([danaOnSlack.id, undefined]);
    // Retracting from either account takes the person's one vote back.
    expect(text(await say(danaOnSlack, "retract R-1"))).toContain("Your GO on R-1 is retracted");
    expect(await core.store.getVotes("R-1")).toEqual([]);
  });

  it("keeps a release manager's own GO from counting when they cast it from their linked account", async () => {
    const { say } = setup({ config: { quorum: 1, admins: admins("slack:T1:UBOB") } });
    await say(slack("UBOB", "bob"), "policy set self_approval=off");
    await link(say, danaOnSlack, danaOnDiscord);
    await say(danaOnSlack, "create payments 1.2.3");
    const own = await say(danaOnDiscord, "vote R-1 go");
    expect(refused(own)).toBe(true);
    expect(text(own)).toContain("Self-approval is off in this channel: as the release manager of R-1 your GO would not count.");
    // Cast before the policy changed, it still does not count towards GO.
    await say(slack("UBOB", "bob"), "policy set self_approval=on");
    await say(danaOnDiscord, "vote R-1 go");
    await say(slack("UBOB", "bob"), "policy set self_approval=off");
    const status = await say(danaOnSlack, "status R-1");
    expect(status.type === "message" && status.cards[0]?.decisionLine).toMatch(/^Pending/);
  });

  it("merges votes both accounts had cast before linking: the later stands, and the trail says what was dropped", async () => {
    const { say } = setup({ config: { quorum: 2 } });
    await say(slack("UBOB", "bob"), "create payments 1.2.3");
    await onDiscordToo("R-1");
    await say(danaOnSlack, "vote R-1 go");
    core.clock.advance(60_000);
    await say(danaOnDiscord, "vote R-1 abstain");
    expect(await core.store.getVotes("R-1")).toHaveLength(2);
    const linked = await link(say, danaOnSlack, danaOnDiscord);
    expect(text(linked)).toContain("Where both had voted, the later vote stands: R-1 keeps abstain by dana_d.");
    expect((await core.store.getVotes("R-1")).map((v) => v.voter)).toEqual([danaOnDiscord.id]);
    const merged = (await core.store.listAudit("R-1")).find((e) => e.type === "votes_merged");
    expect(merged?.data).toMatchObject({ kept: { voter: danaOnDiscord.id, choice: "abstain" }, dropped: [{ voter: danaOnSlack.id, choice: "go" }] });
  });

  it("shows on Slack's App Home the releases a manager runs from their linked Discord account", async () => {
    const { say } = setup();
    await say(danaOnDiscord, "create payments 1.2.3");
    expect(await core.bot.overviewFor(danaOnSlack)).toEqual([]);
    await link(say, danaOnSlack, danaOnDiscord);
    expect((await core.bot.overviewFor(danaOnSlack)).map((c) => c.releaseId)).toEqual(["R-1"]);
  });

  it("refuses a mistyped, expired, used or own code with what to do next, and links nothing", async () => {
    const { say } = setup();
    const typo = await say(danaOnDiscord, "link hello");
    expect(text(typo)).toContain("`hello` is not a link code: a code looks like `K7QM-4RPZ`. Run /release link on your other account");
    const code = codeIn(await say(danaOnSlack, "link"))!;
    const own = await say(danaOnSlack, `link ${code}`);
    expect(text(own)).toContain("That code is this account's own. Type it on your other account");
    core.clock.advance(10 * 60_000);
    const late = await say(danaOnDiscord, `link ${code}`);
    expect(text(late)).toContain(`The link code ${code} is unknown or has expired`);
    const fresh = codeIn(await say(danaOnSlack, "link"))!;
    expect(refused(await say(danaOnDiscord, `link ${fresh.replace("-", " ")}`))).toBe(false);
    expect(text(await say(discord("3003", "eve"), `link ${fresh}`))).toContain("is unknown or has expired");
    expect(await core.store.linkedAccounts(discord("3003").id)).toEqual([]);
  });

  it("unlinks: the accounts vote apart again, and unlinking an unlinked account says how to link", async () => {
    const { say } = setup({ config: { quorum: 2 } });
    await link(say, danaOnSlack, danaOnDiscord);
    expect(text(await say(danaOnDiscord, "unlink"))).toContain("Unlinked: this account no longer counts as one voter with dana on Slack.");
    await say(slack("UBOB", "bob"), "create payments 1.2.3");
    await onDiscordToo("R-1");
    await say(danaOnSlack, "vote R-1 go");
    expect(text(await say(danaOnDiscord, "vote R-1 go"))).toContain("Decision: GO");
    const again = await say(danaOnSlack, "unlink");
    expect(refused(again)).toBe(true);
    expect(text(again)).toContain("This account is not linked to another. `/release link` gives a code to link it");
  });
});

describe("/release link and the sign-offs a reminder waits for", () => {
  const MIN = 60_000;
  async function remindedAfter(say: ReturnType<typeof setup>["say"], slackChat: ReturnType<typeof setup>["slackChat"], votes: () => Promise<unknown>) {
    await say(slack("UADMIN", "admin"), "role grant UDANA qa");
    await say(slack("UBOB", "bob"), "create payments 1.2.3 at in 2h");
    await link(say, danaOnSlack, danaOnDiscord);
    await votes();
    core.clock.advance(60 * MIN);
    await core.bot.runDueJobs();
    await core.settle();
    return slackChat.notices.find((n) => n.notice.text.includes("T-1h"))!.notice;
  }

  it("calls a qa holder whose GO came from their linked account without qa, and says from which account to vote", async () => {
    const { say, slackChat } = setup({ config: { quorum: 1, require: ["qa"], admins: admins("slack:T1:UADMIN") } });
    const reminder = await remindedAfter(say, slackChat, () => say(danaOnDiscord, "vote R-1 go"));
    expect(reminder.text).not.toContain("its holders voted, but not GO");
    expect(reminder.text).toContain("Still waiting for sign-off from qa (a GO from a linked account signs off only with that account's roles: vote from the account that holds qa).");
    expect(reminder.mention).toContain(danaOnSlack.id);
  });

  it("does not call a qa holder who said NO-GO from their linked account: they have been heard", async () => {
    const { say, slackChat } = setup({ config: { quorum: 1, require: ["qa"], admins: admins("slack:T1:UADMIN") } });
    const reminder = await remindedAfter(say, slackChat, () => say(danaOnDiscord, "vote R-1 no-go migration untested"));
    expect(reminder.text).toContain("Still waiting for sign-off from qa (its holders voted, but not GO).");
    expect(reminder.mention).not.toContain(danaOnSlack.id);
  });
});

/** R-1 by bob (quorum 1) with carol's GO, dana's NO-GO from Slack and, a minute later, her GO from Discord: two votes until she links. */
async function danaVetoedThenWentGoElsewhere() {
  const chats = setup({ config: { quorum: 1 } });
  await chats.say(slack("UBOB", "bob"), "create payments 1.2.3");
  await onDiscordToo("R-1");
  await chats.say(slack("UCAROL", "carol"), "vote R-1 go");
  await chats.say(danaOnSlack, "vote R-1 no-go migration untested");
  core.clock.advance(60_000);
  await chats.say(danaOnDiscord, "vote R-1 go");
  return chats;
}

describe("/release link merging votes that decided a release", () => {
  it("says in the thread, calling the manager, that a NO-GO dropped by linking no longer blocks, and records the GO it reached", async () => {
    const { say, slackChat } = await danaVetoedThenWentGoElsewhere();
    await core.settle();
    const before = slackChat.notices.length;
    await link(say, danaOnSlack, danaOnDiscord);
    await core.settle();
    const lifted = slackChat.notices.slice(before).map((n) => n.notice);
    expect(lifted).toHaveLength(1);
    expect(lifted[0]!.text).toBe("↩️ dana's NO-GO on R-1 no longer counts: they linked their accounts, and their later GO (as dana_d) stands. Decision: GO.");
    expect(lifted[0]!.mention).toEqual([slack("UBOB").id]);
    expect((await core.store.listAudit("R-1")).map((e) => e.type)).toContain("decision_go");
    expect((await core.store.getRelease("R-1"))!.decidedGoAt).not.toBeNull();
  });
});

describe("/release link making a held release GO", () => {
  it("says in the thread that the held release is GO now and what ships it, calling its manager, as a vote that made it GO would", async () => {
    const { say, slackChat } = await danaVetoedThenWentGoElsewhere();
    expect(text(await say(slack("UBOB", "bob"), "hold R-1 waiting for dana"))).toContain("R-1");
    expect((await core.store.getRelease("R-1"))!.state).toBe("held");
    await core.settle();
    const before = slackChat.notices.length;
    await link(say, danaOnSlack, danaOnDiscord);
    await core.settle();
    const told = slackChat.notices.slice(before).map((n) => n.notice);
    expect(told.map((n) => n.text.split(" ")[0])).toEqual(["↩️", "✅"]);
    const goNow = told.find((n) => n.text.startsWith("✅ R-1 is GO now."));
    expect(goNow?.text).toContain("/release ship R-1");
    expect(goNow?.mention).toEqual([slack("UBOB").id]);
  });
});

describe("/release link and the roles a vote counts with", () => {
  it("keeps a qa GO where it stands when the same GO comes from a linked account without qa, saying why", async () => {
    const { say } = setup({ config: { quorum: 1, require: ["qa"], admins: admins("slack:T1:UADMIN") } });
    await say(slack("UADMIN", "admin"), "role grant UDANA qa");
    await link(say, danaOnSlack, danaOnDiscord);
    await say(slack("UBOB", "bob"), "create payments 1.2.3");
    expect(text(await say(danaOnSlack, "vote R-1 go"))).toContain("Decision: GO");
    const again = await say(danaOnDiscord, "vote R-1 go");
    expect(text(again)).toBe(
      "You already voted GO on R-1 from your linked account dana, where it counts as qa; from this account it would not (roles stay with each account). Nothing changed: vote from that account to change its note. Decision: GO.",
    );
    expect((await core.store.getVotes("R-1")).map((v) => [v.voter, v.roles])).toEqual([[danaOnSlack.id, ["qa"]]]);
    // A different vote still moves: one person, one vote, the later stands.
    await say(danaOnDiscord, "vote R-1 abstain");
    expect((await core.store.getVotes("R-1")).map((v) => [v.voter, v.choice])).toEqual([[danaOnDiscord.id, "abstain"]]);
  });
});

describe("/release link and who is called about their own action", () => {
  it("does not call a release manager about a cancel they made from their linked account", async () => {
    const { say, slackChat } = setup({ config: { admins: admins("discord:1001:2002") } });
    await link(say, danaOnSlack, danaOnDiscord);
    await say(danaOnSlack, "create payments 1.2.3");
    expect(refused(await say(danaOnDiscord, "cancel R-1 wrong version"))).toBe(false);
    await core.settle();
    const cancelled = slackChat.notices.find((n) => n.notice.text.startsWith("🛑 R-1 was cancelled"))!.notice;
    expect(cancelled.mention).toEqual([]);
  });
});

describe("/release link tells the code's owner that it was used", () => {
  const toldTexts = (chat: ReturnType<typeof setup>["slackChat"]) => chat.told.map((t) => `${t.person}: ${replyLineText(t.line)}`);

  it("tells the owner privately on their platform, once the link is stored, with how to undo it; the one who typed it is not told", async () => {
    const { say, slackChat, discordChat } = setup({ config: { quorum: 2 } });
    await say(slack("UBOB", "bob"), "create payments 1.2.3");
    await onDiscordToo("R-1");
    await say(danaOnSlack, "vote R-1 go");
    core.clock.advance(60_000);
    await say(danaOnDiscord, "vote R-1 abstain");
    let linkedWhenTold: unknown = null;
    const record = slackChat.surface.tellPrivately!.bind(slackChat.surface);
    slackChat.surface.tellPrivately = async (person, line) => {
      linkedWhenTold = await core.store.linkedAccounts(danaOnSlack.id);
      return record(person, line);
    };
    await link(say, danaOnSlack, danaOnDiscord);
    await core.settle();
    expect(toldTexts(slackChat)).toEqual([
      `${danaOnSlack.id}: Your link code was used: your account and dana_d on Discord now count as one voter. Where both had voted, the later vote stands: R-1 keeps abstain by dana_d. Not you? \`/release unlink\` here undoes it.`,
    ]);
    // The other account is named as a mention where the owner is on its platform, by name elsewhere.
    expect(slackChat.told[0]!.line).toContainEqual({ subject: danaOnDiscord.id, text: "dana_d on Discord" });
    expect(linkedWhenTold).toEqual([{ account: danaOnDiscord.id, name: "dana_d" }]);
    expect(discordChat.told).toEqual([]);
  });

  it("tells nobody when nothing was linked: a refused code, or accounts already linked", async () => {
    const { say, slackChat, discordChat } = setup();
    await say(danaOnDiscord, "link ABCD-EFGH");
    await link(say, danaOnSlack, danaOnDiscord);
    await core.settle();
    expect(slackChat.told).toHaveLength(1);
    await link(say, danaOnSlack, danaOnDiscord);
    await core.settle();
    expect(slackChat.told).toHaveLength(1);
    expect(discordChat.told).toEqual([]);
  });

  it("keeps the link when the owner cannot be told, and logs why", async () => {
    const { say, slackChat } = setup();
    slackChat.surface.tellPrivately = () => Promise.reject(new Error("slack: im:write missing"));
    const linked = await link(say, danaOnSlack, danaOnDiscord);
    await core.settle();
    expect(text(linked)).toContain("Linked: this account and dana on Slack now count as one voter.");
    expect(await core.store.linkedAccounts(danaOnDiscord.id)).toEqual([{ account: danaOnSlack.id, name: "dana" }]);
    expect(core.logs).toContainEqual(expect.objectContaining({ level: "warn", obj: expect.objectContaining({ err: expect.stringContaining("im:write missing") }) }));
  });
});

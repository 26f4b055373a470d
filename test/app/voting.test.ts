import { afterEach, describe, expect, it } from "vitest";
import { admins, channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { replyLineText, type Reply } from "../../src/app/views.js";
import { actorOf } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";

let core: TestCore;
afterEach(async () => core?.close());

const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const text = (r: Reply) => (r.type === "message" ? [r.text, ...(r.lines ?? []).map(replyLineText)].filter(Boolean).join("\n") : r.type === "form_errors" ? r.text : `form:${r.form.form}`);

describe("voting through the door", () => {
  it("creates R-1 and reaches GO after two GO votes", async () => {
    core = createTestCore();
    const created = await say("alice", "create payments 1.4.2 env staging");
    expect(text(created)).toContain("Created R-1: payments 1.4.2 → staging");
    expect(text(await say("bob", "vote R-1 go"))).toContain("Decision: Pending: 1 of 2 GO");
    expect(text(await say("carol", "vote r-1 go"))).toContain("Decision: GO");
    const status = await say("dave", "status R-1");
    expect(status.type === "message" && status.cards[0]?.decisionLine).toBe("GO");
  });

  it("keeps a no-go blocking the release until it is changed, and shows who and why", async () => {
    core = createTestCore();
    await say("alice", "create api 2.0.0");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    const nogo = await say("dave", "vote R-1 no-go migration not tested");
    expect(text(nogo)).toContain("NO-GO");
    expect(text(nogo)).toContain("blocked by no-go from dave: migration not tested");
    expect(text(await say("dave", "vote R-1 go"))).toContain("replaces your NO-GO");
    expect((await core.store.getVotes("R-1")).filter((v) => v.voter === "terminal:dave")).toHaveLength(1);
    expect((await core.store.listAudit("R-1")).filter((e) => e.type.startsWith("vote_")).map((e) => e.type)).toEqual(["vote_cast", "vote_cast", "vote_cast", "vote_changed"]);
  });

  it("answers a press before it starts updating the card, and the card still ends on the true tally", async () => {
    core = createTestCore();
    const chat = createRecordingSurface();
    core.bot.attachSurface(chat.surface);
    await say("alice", "create api 2.0.0");
    await core.bot.idle();
    // Whether the voter's answer was out when each card update began: in a vote storm, an
    // update started first delayed that answer and every press queued behind it.
    let answered = false;
    const answeredAtUpdate: boolean[] = [];
    const update = chat.surface.updateCard.bind(chat.surface);
    chat.surface.updateCard = (ref, card) => {
      answeredAtUpdate.push(answered);
      return update(ref, card);
    };
    const reply = await say("bob", "vote R-1 go").then((r) => ((answered = true), r));
    await core.bot.idle();
    expect(text(reply)).toContain("Your GO on R-1 is in");
    expect(answeredAtUpdate).toEqual([true]);
    expect(chat.latestCard("R-1")!.tally.go).toBe(1);
  });

  it("records the moment a release reached GO when retracting the only NO-GO is what made it GO (time to decision counts it)", async () => {
    core = createTestCore();
    await say("alice", "create api 2.0.0");
    await say("dave", "vote R-1 no-go migration not tested");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    expect((await core.store.getRelease("R-1"))!.decidedGoAt).toBeNull();
    core.clock.advance(60_000);
    expect(text(await say("dave", "retract R-1"))).toContain("Decision: GO");
    expect((await core.store.getRelease("R-1"))!.decidedGoAt).toBe(core.clock.now());
    expect((await core.store.listAudit("R-1")).map((e) => e.type)).toContain("decision_go");
  });

  it("refuses a no-go without a reason and writes nothing", async () => {
    core = createTestCore();
    await say("alice", "create api 2.0.0");
    const r = await say("bob", "vote R-1 no-go");
    expect(r.type === "message" && r.error).toBe(true);
    expect(text(r)).toContain("needs a reason");
    expect((await core.store.getVotes("R-1"))).toHaveLength(0);
  });
});

describe("card updates on the clock", () => {
  it("keeps one interval between the post and the first edit when votes land while the card is being posted", async () => {
    core = createTestCore();
    const chat = createRecordingSurface("terminal", 1000);
    const sentAt: number[] = [];
    const post = chat.surface.postCard.bind(chat.surface);
    const update = chat.surface.updateCard.bind(chat.surface);
    chat.surface.postCard = (channel, card) => (sentAt.push(core.clock.now()), post(channel, card));
    chat.surface.updateCard = (ref, card) => (sentAt.push(core.clock.now()), update(ref, card));
    core.bot.attachSurface(chat.surface);
    // The votes come in while the post is still on its way: nothing is awaited in between.
    await Promise.all([say("alice", "create api 2.0.0"), say("bob", "vote R-1 abstain"), say("carol", "vote R-1 abstain"), say("dave", "vote R-1 abstain")]);
    await core.settle();
    expect(chat.latestCard("R-1")!.tally.abstain).toBe(3);
    const gaps = sentAt.slice(1).map((t, i) => t - sentAt[i]!);
    expect(gaps.every((g) => g >= 1000), `sends at ${sentAt.join(", ")}`).toBe(true);
  });

  it("a vote committed after the card was rendered for its post, before the post came back, shows on it", async () => {
    core = createTestCore();
    const chat = createRecordingSurface("terminal", 1000);
    const post = chat.surface.postCard.bind(chat.surface);
    let postEntered!: () => void;
    const entered = new Promise<void>((r) => (postEntered = r));
    let releasePost!: () => void;
    const held = new Promise<void>((r) => (releasePost = r));
    chat.surface.postCard = async (channel, card) => {
      postEntered();
      await held;
      return post(channel, card);
    };
    core.bot.attachSurface(chat.surface);
    await say("alice", "create api 2.0.0");
    await entered;
    // The card went out showing no votes; this one commits while no copy is recorded to mark.
    await say("bob", "vote R-1 abstain");
    releasePost();
    await core.settle();
    expect(chat.latestCard("R-1")!.tally.abstain).toBe(1);
  });

  it("edits a card at most once per the platform's interval: votes inside it land together in one edit", async () => {
    core = createTestCore();
    const chat = createRecordingSurface("terminal", 1000);
    core.bot.attachSurface(chat.surface);
    await say("alice", "create api 2.0.0");
    await core.bot.idle();
    expect(chat.posts).toHaveLength(1);

    // Three votes within a second of the post: the card waits out the interval.
    for (const who of ["bob", "carol", "dave"]) await say(who, "vote R-1 abstain");
    await core.clock.waiting();
    core.clock.advance(999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(chat.updates).toHaveLength(0);

    core.clock.advance(1);
    await core.settle();
    expect(chat.updates).toHaveLength(1);
    expect(chat.latestCard("R-1")!.tally.abstain).toBe(3);
  });

  it("builds cards that fall due at the same moment one event-loop turn apart, so a press arriving meanwhile is answered between them", async () => {
    core = createTestCore();
    const chat = createRecordingSurface("terminal", 1000);
    core.bot.attachSurface(chat.surface);
    await say("alice", "create api 2.0.0");
    await say("alice", "create web 3.1.0");
    await core.bot.idle();
    expect(chat.posts).toHaveLength(2);

    // Counts event-loop turns: one increment per turn, before the I/O of the next turn is read.
    let turn = 0;
    let ticker = setImmediate(function tick() {
      turn++;
      ticker = setImmediate(tick);
    });
    const builtOnTurn: number[] = [];
    const update = chat.surface.updateCard.bind(chat.surface);
    chat.surface.updateCard = (ref, card) => (builtOnTurn.push(turn), update(ref, card));
    try {
      // Both cards change within the interval after their posts, so both edits fall due at the same moment.
      await say("bob", "vote R-1 go");
      await say("bob", "vote R-2 go");
      await core.clock.waiting();
      core.clock.advance(1000);
      await core.settle();
    } finally {
      clearImmediate(ticker);
    }
    expect(chat.updates.map((u) => u.card.releaseId).sort()).toEqual(["R-1", "R-2"]);
    expect(builtOnTurn[1]).toBeGreaterThan(builtOnTurn[0]!);
  });

  it("retries a failed card edit after a back-off on the clock, and the card ends on the true tally", async () => {
    core = createTestCore();
    const chat = createRecordingSurface();
    core.bot.attachSurface(chat.surface);
    await say("alice", "create api 2.0.0");
    await core.bot.idle();
    const update = chat.surface.updateCard.bind(chat.surface);
    let failures = 1;
    chat.surface.updateCard = (ref, card) => (failures-- > 0 ? Promise.reject(new Error("platform hiccup")) : update(ref, card));

    await say("bob", "vote R-1 go");
    await core.clock.waiting();
    expect(chat.updates).toHaveLength(0);
    expect(core.logs).toContainEqual(expect.objectContaining({ level: "warn", msg: "card update failed; retrying", obj: expect.objectContaining({ retryInMs: 1000 }) }));

    core.clock.advance(1000);
    await core.settle();
    expect(chat.updates).toHaveLength(1);
    expect(chat.latestCard("R-1")!.tally.go).toBe(1);
  });

  it("counts a sign-off role granted after the vote once its voter votes again, and stops counting a revoked one at once", async () => {
    core = createTestCore();
    expect(text(await say("admin", "policy set require=qa quorum=1"))).toContain("quorum");
    await say("alice", "create payments 1.4.2");
    expect(text(await say("carol", "vote R-1 go"))).toContain("Decision: Pending: waiting for qa");
    expect(text(await say("admin", "role grant carol qa"))).toContain("A GO cast before now counts as this role once its voter votes again.");
    expect(text(await say("carol", "vote R-1 go"))).toBe("Your GO on R-1 now counts with your current roles (qa). Decision: GO.");
    expect(text(await say("carol", "vote R-1 go"))).toContain("You already voted GO on R-1, so nothing changed: choose another to change your vote, or take it back with `/release retract R-1`. Decision: GO");

    await say("admin", "role revoke carol qa");
    const status = await say("dave", "status R-1");
    expect(status.type === "message" && status.cards[0]?.decisionLine).toBe("Pending: waiting for qa");
  });
});

describe("creating a release that is already open", () => {
  it("says which open release has the same service, version and environment, and how to drop the new one", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.0");
    const staging = text(await say("alice", "create payments 1.0 env staging"));
    expect(staging).toContain("Created R-2");
    expect(staging).not.toContain("already open");
    const twin = text(await say("alice", "create payments 1.0"));
    expect(twin).toContain("Created R-3");
    expect(twin).toContain("Note: R-1 is already open for payments 1.0 → production; if this one is a duplicate, `/release cancel R-3 duplicate`.");
    await say("alice", "cancel R-1 duplicate");
    await say("alice", "cancel R-3 duplicate");
    expect(text(await say("alice", "create payments 1.0"))).not.toContain("already open");
  });
});

describe("a service is decided in one channel", () => {
  const lax = { platform: "terminal", key: "terminal:side:lax", nativeId: "lax" } as const;
  const sayIn = (where: typeof lax | typeof channel, who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel: where, text });

  it("refuses a release of the same service and environment from another channel (its policy would not guard it), unless an admin or release-manager moves it", async () => {
    core = createTestCore({ config: { admins: admins("terminal:admin") } });
    await say("admin", "policy set quorum=3 require=security");
    await say("alice", "create payments 1.4.2");
    const refused = await sayIn(lax, "mallory", "create payments 6.6.6");
    expect(refused).toMatchObject({ error: true });
    expect(text(refused)).toBe("payments → production is decided in terminal channel #releases: its last release, R-1, was created there, under that channel's policy. Create it in that channel (`/release status R-1` shows the card), or ask an admin or release-manager to create it here, which moves it here.");
    expect(await core.store.listReleases({})).toHaveLength(1);
    // Another environment, or another service, is free to be decided there.
    expect(text(await sayIn(lax, "mallory", "create payments 6.6.6 env staging"))).toContain("Created R-2");
    // An admin moves it; from then on it is decided there.
    expect(text(await sayIn(lax, "admin", "create payments 1.5.0"))).toContain("Created R-3");
    expect(text(await sayIn(lax, "alice", "create payments 1.5.1"))).toContain("Created R-4");
    expect(text(await say("alice", "create payments 1.5.2"))).toContain("is decided in terminal channel lax: its last release, R-4");
  });

  it("names the deciding channel as a link to someone in the same workspace, and in words to someone on another platform or workspace", async () => {
    core = createTestCore();
    const slackIn = (team: string, id: string) => ({ platform: "slack", key: `slack:${team}:${id}`, nativeId: id });
    const slackPerson = (team: string, user: string) => actorOf({ kind: "person", platform: "slack", scope: team, user }, user);
    const discordHere = { platform: "discord", key: "discord:G1:1187331275440648216", nativeId: "1187331275440648216" };
    const create = (actor: Actor, where: ChannelRef) => core.bot.handle({ kind: "command", actor, channel: where, text: "create payments 2.0.0" });
    await create(slackPerson("T1", "U1"), slackIn("T1", "C0HOME"));
    const sameWorkspace = await create(slackPerson("T1", "U2"), slackIn("T1", "C0OTHER"));
    expect(sameWorkspace.type === "message" && sameWorkspace.lines?.[0]).toContainEqual({ channel: slackIn("T1", "C0HOME"), text: "Slack channel C0HOME" });
    const fromDiscord = await create(actorOf({ kind: "person", platform: "discord", scope: "G1", user: "42" }, "dana"), discordHere);
    expect(text(fromDiscord)).toContain("payments → production is decided in Slack channel C0HOME: its last release, R-1");
    expect(fromDiscord.type === "message" && fromDiscord.lines?.[0]?.some((p) => typeof p !== "string")).toBe(false);
    expect(text(await create(slackPerson("T2", "U3"), slackIn("T2", "C0ELSE")))).toContain("is decided in Slack channel C0HOME (another workspace):");
  });
});

describe("voting the same choice again with other words", () => {
  it("says the vote stands and what its note is now, not that it replaces itself", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.0");
    await say("bob", "vote R-1 go looks fine");
    expect(text(await say("bob", "vote R-1 go"))).toMatch(/^Your GO on R-1 stands; it no longer has a note\. Decision: /);
    expect(text(await say("bob", "vote R-1 go after the canary"))).toMatch(/^Your GO on R-1 stands; its note is now “after the canary”\. Decision: /);
    expect(text(await say("bob", "vote R-1 go after the canary"))).toMatch(/^You already voted GO on R-1, so nothing changed/);
    await say("carol", "vote R-1 no-go migration untested");
    expect(text(await say("carol", "vote R-1 no-go migration fails on staging"))).toMatch(/^Your NO-GO on R-1 stands; its reason is now “migration fails on staging”\. Decision: /);
  });
});

describe("requiring a sign-off role", () => {
  it("warns when nobody holds a role the policy now requires (a typo, or not granted yet), and the grant's hint adds to what is required", async () => {
    core = createTestCore();
    await say("admin", "role grant quinn qa");
    const typo = text(await say("admin", "policy set require=qa,securty"));
    expect(typo).toContain("Nobody holds securty yet, so no GO can count as its sign-off");
    expect(typo).not.toContain("Nobody holds qa");
    // Granting another sign-off role: the hint keeps qa (require= replaces the whole list).
    await say("admin", "policy set require=qa");
    expect(text(await say("admin", "role grant sam security"))).toContain("require it with `/release policy set require=qa,security`");
    expect(text(await say("admin", "role grant quinn2 qa"))).toContain("(a sign-off role: required here already)");
  });
});

describe("a NO-GO in the thread", () => {
  it("calls the manager when a no-go blocks the release and when it is lifted, once each", async () => {
    core = createTestCore();
    const chat = createRecordingSurface();
    core.bot.attachSurface(chat.surface);
    await say("alice", "create payments 1.0");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 no-go migration untested on staging");
    await say("carol", "vote R-1 no-go migration fails on staging"); // new words, same veto: no second call
    await say("carol", "vote R-1 go");
    await core.bot.idle();
    const notices = chat.notices.map((n) => n.notice).filter((n) => n.releaseId === "R-1");
    expect(notices.map((n) => n.text)).toEqual([
      expect.stringMatching(/^🛑 carol voted NO-GO on R-1\. Decision: NO-GO: blocked by no-go from carol: migration untested on staging/),
      expect.stringMatching(/^↩️ carol changed their NO-GO to GO on R-1\. Decision: GO/),
    ]);
    expect(notices.map((n) => n.mention)).toEqual([[person("alice").id], [person("alice").id]]);
  });
});

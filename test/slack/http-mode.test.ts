import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeCall } from "../../fakes/slack-api.js";
import { CHANNEL, buttonsOf, messageTs, startHarness, visibleText, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** Creates a release by slash command and returns the card Slack received. */
async function createRelease(text = "create payments 1.4.2 at in 2h env production"): Promise<FakeCall> {
  const res = await h.slash("UMGR", text);
  expect(res.status).toBe(200);
  return h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === undefined && visibleText(c).includes("payments"));
}

/** The latest chat.update of a card, once its text satisfies `until`. */
async function cardUpdate(card: FakeCall, until: (text: string) => boolean): Promise<FakeCall> {
  return h.fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && until(visibleText(c)), 4000);
}

function ephemeralTo(user: string, includes: string): Promise<FakeCall> {
  return h.fake.waitFor("chat.postEphemeral", (c) => c.params.user === user && visibleText(c).includes(includes));
}

describe("Slack over HTTP: creating releases", () => {
  it("creates a release from /release create, answers privately and posts the card in the channel", async () => {
    const res = await h.slash("UMGR", "create payments 1.4.2 at in 2h env production desc <https://ci.example.com/c/42|changelog>");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_type: "ephemeral" });
    expect(JSON.stringify(res.body)).toContain("Created R-1");
    const card = await h.fake.waitFor("chat.postMessage");
    expect(card.params.channel).toBe(CHANNEL);
    expect(card.token).toBe("xoxb-test-bot-token");
    const text = visibleText(card);
    expect(text).toContain("payments 1.4.2 → production");
    expect(text).toContain("https://ci.example.com/c/42");
    expect(text).toMatch(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|/);
    expect(text).toContain("T-0 in 2h");
    expect(text).toContain("manager <@UMGR>");
  });

  it("opens the create modal for a bare /release and creates the release from its datetimepicker", async () => {
    const res = await h.slash("UMGR", "");
    expect(res.status).toBe(200);
    const opened = await h.fake.waitFor("views.open");
    expect(opened.params.trigger_id).toBeTruthy();
    const whenSec = Math.floor(h.core.clock.now() / 1000) + 3 * 3600;
    const submitted = await h.submit("UMGR", opened, { service: "search", version: "7.0.1", environment: "staging", when: whenSec, description: "reindex" });
    expect(submitted.status).toBe(200);
    // An empty body closes the modal.
    expect(submitted.text).toBe("");
    const card = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("search 7.0.1"));
    expect(card.params.channel).toBe(CHANNEL);
    expect(visibleText(card)).toContain(`<!date^${whenSec}^`);
    await ephemeralTo("UMGR", "Created R-1");
  });

  it("shows a bad modal field inline and creates nothing", async () => {
    await h.slash("UMGR", "");
    const opened = await h.fake.waitFor("views.open");
    const res = await h.submit("UMGR", opened, { service: "not a service!", version: "1.0", environment: "production" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_action: "errors" });
    expect(Object.keys((res.body as { errors: Record<string, string> }).errors)).toEqual(["field:service"]);
    await h.core.bot.idle();
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("answers malformed commands and unknown releases privately, changing nothing", async () => {
    const bad = await h.slash("UDEV", "frobnicate R-1");
    expect(bad.body).toMatchObject({ response_type: "ephemeral" });
    expect(JSON.stringify(bad.body)).toContain("is not a /release command");
    const unknown = await h.slash("UDEV", "vote R-99 go");
    expect(JSON.stringify(unknown.body)).toMatch(/R-99/);
    const help = await h.slash("UDEV", "help");
    expect(JSON.stringify(help.body)).toContain("/release create");
    await h.core.bot.idle();
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(0);
  });
});

describe("Slack over HTTP: voting", () => {
  it("updates the card as several people vote, and shows GO when quorum is reached", async () => {
    const card = await createRelease();
    expect((await h.press("UQA", card, "Go")).status).toBe(200);
    expect((await h.press("UDEV", card, "Abstain")).status).toBe(200);
    const mid = await cardUpdate(card, (t) => t.includes("<@UQA>") && t.includes("Abstain* (1)"));
    expect(visibleText(mid)).toContain("1 of 2 GO");
    expect(visibleText(mid)).toContain("<@UDEV>");
    await h.press("USEC", card, "Go");
    const done = await cardUpdate(card, (t) => t.includes("<@USEC>"));
    expect(visibleText(done)).toContain("*GO* (2)");
    expect(visibleText(done)).not.toContain("Pending");
    // The card is the confirmation: a successful Go or Abstain sends no extra private message.
    expect(h.fake.calls.filter((c) => c.method === "chat.postEphemeral")).toHaveLength(0);
  });

  it("asks for a no-go reason in a modal, insists on it, and shows it on the card", async () => {
    const card = await createRelease();
    await h.press("USEC", card, "No-go");
    const modal = await h.fake.waitFor("views.open");
    expect(visibleText(modal)).toContain("payments 1.4.2");
    const empty = await h.submit("USEC", modal, { reason: "" });
    expect(empty.body).toMatchObject({ response_action: "errors", errors: { "field:reason": expect.stringMatching(/needs a reason/i) } });
    const ok = await h.submit("USEC", modal, { reason: "CVE-2030-1234 not patched" });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe("");
    const updated = await cardUpdate(card, (t) => t.includes("CVE-2030-1234"));
    expect(visibleText(updated)).toContain("NO-GO");
    expect(visibleText(updated)).toContain("<@USEC>: _CVE-2030-1234 not patched_");
  });

  it("refuses a tampered or stale button privately and changes nothing", async () => {
    const card = await createRelease();
    const blocks = JSON.parse(JSON.stringify(card.params.blocks)) as { type: string; elements?: { value: string; action_id: string }[] }[];
    const actions = blocks.find((b) => b.type === "actions")!;
    actions.elements![0]!.value = "v1:R-1' OR 1=1";
    actions.elements![1]!.action_id = "gonogo:v0:no_go";
    actions.elements![1]!.value = "v0:R-1";
    const forged = { ...card, params: { ...card.params, blocks } };
    await h.press("UQA", forged, "Go");
    await ephemeralTo("UQA", "not made by gonogo");
    await h.press("UQA", forged, "No-go");
    await ephemeralTo("UQA", "older version of gonogo");
    await h.core.bot.idle();
    expect(h.fake.callsTo("chat.update")).toHaveLength(0);
    expect(h.fake.callsTo("views.open")).toHaveLength(0);
  });
});

describe("Slack over HTTP: shipping, rollback and retro", () => {
  async function shippedRelease(): Promise<FakeCall> {
    const card = await createRelease();
    await h.press("UQA", card, "Go");
    await h.press("UDEV", card, "Go");
    await cardUpdate(card, (t) => t.includes("*GO* (2)"));
    expect(JSON.stringify((await h.slash("UMGR", "ship R-1")).body)).not.toContain(":warning:");
    expect(JSON.stringify((await h.slash("UMGR", "shipped R-1")).body)).not.toContain(":warning:");
    return cardUpdate(card, (t) => t.includes("Roll back"));
  }

  it("confirms a rollback in a modal with a reason, and rolls back once however often it is pressed", async () => {
    const card = await shippedRelease();
    await h.press("UMGR", card, "Roll back");
    const modal = await h.fake.waitFor("views.open");
    expect(visibleText(modal)).toContain("payments 1.4.2 → production");
    const noReason = await h.submit("UMGR", modal, { reason: "" });
    expect(noReason.body).toMatchObject({ response_action: "errors" });

    // Pressed again before confirming: a second modal. Both get submitted.
    await h.press("UMGR", card, "Roll back");
    const second = await h.fake.waitFor("views.open", (c) => c !== modal);
    const first = await h.submit("UMGR", modal, { reason: "error rate 5x" });
    expect(first.text).toBe("");
    const again = await h.submit("UMGR", second, { reason: "still broken" });
    expect(again.text).toBe("");
    await ephemeralTo("UMGR", "already being rolled back");

    const rolled = await cardUpdate(card, (t) => /rolling back|rolled back/i.test(t));
    expect(visibleText(rolled)).toContain("error rate 5x");
    expect(visibleText(rolled)).not.toContain("still broken");
    await h.core.bot.idle();
    expect((await h.core.store.listAudit("R-1")).filter((e) => e.type === "rollback_requested")).toHaveLength(1);
    // One thread notice tells the channel who rolled back and why, and that the rollback locked payments production, and how it is lifted.
    const told = h.fake.callsTo("chat.postMessage").filter((c) => c.params.thread_ts && /is rolling back/.test(visibleText(c)));
    expect(told).toHaveLength(1);
    expect(visibleText(told[0]!)).toContain("payments production is now locked: nothing else ships there");
    expect(visibleText(told[0]!)).toContain("until a release-manager, an admin or mia (R-1's manager) lifts it with `/release unlock payments production reason");
  });

  it("lets only on-call, the manager or admins roll back", async () => {
    const card = await shippedRelease();
    await h.press("UDEV", card, "Roll back");
    // Checked on the press itself: no confirmation form for someone who may not roll back.
    await ephemeralTo("UDEV", "on-call");
    expect(h.fake.callsTo("views.open")).toHaveLength(0);
    await h.core.bot.idle();
    expect(h.fake.callsTo("chat.update").some((c) => /rolling back/i.test(visibleText(c)))).toBe(false);
  });

  it("collects retro notes in a modal once the retro opens", async () => {
    const card = await shippedRelease();
    h.core.clock.advance(h.core.config.retroDelayMs + 1000);
    await h.core.bot.runDueJobs();
    const prompt = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === messageTs(card) && visibleText(c).includes("Add retro notes"));
    await h.press("UQA", prompt, "Add retro notes");
    const modal = await h.fake.waitFor("views.open");
    const res = await h.submit("UQA", modal, { went_well: "smooth canary", went_badly: "slow approvals", action_items: "@mia automate smoke tests" });
    expect(res.text).toBe("");
    await ephemeralTo("UQA", "retro notes for R-1 are saved");
    await cardUpdate(card, (t) => t.includes("Retro: 1 answer, 1 with action items"));
    const [answer] = await h.core.store.listRetroAnswers("R-1");
    expect(answer).toMatchObject({ wentWell: "smooth canary", wentBadly: "slow approvals", actionItems: "@mia automate smoke tests", author: "slack:T1:UQA" });
  });
});

describe("Slack over HTTP: countdown and App Home", () => {
  it("posts reminders as thread replies under the card, naming who has not voted", async () => {
    await h.slash("UADMIN", "policy set require=qa");
    await h.slash("UADMIN", "role grant <@UQA|quinn> qa");
    const card = await createRelease("create payments 1.4.2 at in 2h");
    h.core.clock.advance(60 * 60_000 + 1000);
    await h.core.bot.runDueJobs();
    const reminder = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === messageTs(card));
    expect(reminder.params.channel).toBe(CHANNEL);
    expect(visibleText(reminder)).toMatch(/T-1h|1h/);
    expect(visibleText(reminder)).toContain("<@UQA>");
    // T-0 shows in each reader's own time zone, with the channel's time as the fallback.
    const { scheduledAt } = (await h.core.store.getRelease("R-1"))!;
    expect(visibleText(reminder)).toMatch(new RegExp(`\\(<!date\\^${Math.floor(scheduledAt! / 1000)}\\^\\{date_short_pretty\\} \\{time\\}\\|[^>]*UTC[^>]*>\\)`));
  });

  it("holds the release at T-0 without GO: a thread notice and a card that says so", async () => {
    const card = await createRelease("create payments 1.4.2 at in 2h");
    await h.press("UQA", card, "Go");
    h.core.clock.advance(2 * 60 * 60_000 + 1000);
    await h.core.bot.runDueJobs();
    const t0 = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === messageTs(card) && /T-0/.test(visibleText(c)) && /hold|held/i.test(visibleText(c)));
    expect(t0.params.channel).toBe(CHANNEL);
    await cardUpdate(card, (t) => t.includes("On hold"));
  });

  it("leaves a resolved card with its outcome and no live buttons", async () => {
    const card = await createRelease();
    expect(buttonsOf(card).size).toBe(3);
    await h.slash("UMGR", "cancel R-1 freeze week");
    const cancelled = await cardUpdate(card, (t) => t.includes("Cancelled"));
    expect(buttonsOf(cancelled).size).toBe(0);
    await h.press("UQA", card, "Go");
    await ephemeralTo("UQA", "R-1");
    expect((await h.core.store.getVotes("R-1"))).toHaveLength(0);
  });

  it("publishes the App Home tab with the person's live releases", async () => {
    await createRelease();
    const res = await h.event({ type: "app_home_opened", user: "UMGR", channel: "D1", tab: "home", event_ts: "1700000000.1" });
    expect(res.status).toBe(200);
    const home = await h.fake.waitFor("views.publish");
    expect(home.params.user_id).toBe("UMGR");
    expect(visibleText(home)).toContain("payments 1.4.2 → production");
  });

  it("counts a shipping release's votes once on the App Home tab: its line is the final count already", async () => {
    await createRelease();
    await h.slash("UQA", "vote R-1 go");
    await h.slash("UDEV", "vote R-1 go");
    await h.slash("UMGR", "ship R-1");
    await h.event({ type: "app_home_opened", user: "UMGR", channel: "D1", tab: "home", event_ts: "1700000000.1" });
    const home = await h.fake.waitFor("views.publish");
    expect(visibleText(home)).toContain("Voting closed: 2 GO · 0 NO-GO · 0 abstain");
    expect(visibleText(home)).not.toContain("GO 2 · NO-GO 0");
  });
});

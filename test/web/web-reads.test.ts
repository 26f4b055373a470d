import { afterEach, describe, expect, it } from "vitest";
import type { WebScope } from "../../src/app/web-link.js";
import { actorOf } from "../../src/domain/identity.js";
import type { ChannelRef } from "../../src/domain/types.js";
import { releasesPage } from "../../src/web/pages/releases-page.js";
import { channel, createTestCore, person, T0, type TestCore } from "../helpers/core.js";

/* The web view's reads through the door, on a fake clock. */

let core: TestCore;
afterEach(async () => core?.close());

const terminal: WebScope = { kind: "workspace", platform: "terminal", scope: "local" };
const otherWorkspace: WebScope = { kind: "workspace", platform: "slack", scope: "T9" };
const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const MIN = 60_000;
const HOUR = 60 * MIN;
const utc = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
/** A channel of the other workspace (slack T9), and one of its people. */
const slackChannel: ChannelRef = { platform: "slack", key: "slack:T9:C9", nativeId: "C9" };
const sayInSlack = (who: string, text: string) => core.bot.handle({ kind: "command", actor: actorOf({ kind: "person", platform: "slack", scope: "T9", user: `U${who.toUpperCase()}` }, who), channel: slackChannel, text });
/** Runs what fell due after moving the fake clock, as the job runner would. */
const advance = async (ms: number) => {
  core.clock.advance(ms);
  await core.bot.runDueJobs();
  await core.bot.idle();
};
const iso = (ms: number) => new Date(ms).toISOString();

describe("web reads", () => {
  it("tells a release's story with each reminder and what T-0 did", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2 at in 2h");
    await say("bob", "vote R-1 go");
    for (const step of [60, 45, 10, 5]) {
      core.clock.advance(step * MIN);
      await core.bot.runDueJobs();
    }
    const view = await core.bot.webRead({ kind: "web_release", scope: terminal, id: "R-1" });
    const texts = view!.timeline.map((e) => `${e.actorName}: ${e.text}`);
    expect(texts).toEqual([
      "alice: created payments 1.4.2 → production",
      "bob: voted GO",
      "gonogo: sent the T-1h reminder",
      "gonogo: sent the T-15m reminder",
      "gonogo: sent the T-5m reminder",
      "gonogo: T-0: moved it from Voting to On hold: T-0 came without GO (Pending: 1 of 2 GO)",
    ]);
  });

  it("reads nothing of a release another workspace owns", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2");
    expect(await core.bot.webRead({ kind: "web_release", scope: otherWorkspace, id: "R-1" })).toBeNull();
    expect(await core.bot.webRead({ kind: "web_owned", scope: otherWorkspace, ids: ["R-1"] })).toEqual([]);
    const calendar = await core.bot.webRead({ kind: "web_calendar", scope: otherWorkspace, zone: null, channel: null });
    expect([...calendar.live, ...calendar.recent, ...calendar.days.flatMap((d) => d.releases)]).toEqual([]);
    expect((await core.bot.webRead({ kind: "web_numbers", scope: otherWorkspace, service: null, days: 30, checkAudit: true })).stats.releases).toBe(0);
  });

  it("cuts calendar days in the viewer's zone: 23:30 UTC is already tomorrow in Berlin", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2 at 2030-01-15T23:30Z");
    const where = async (zone: string) => {
      const cal = await core.bot.webRead({ kind: "web_calendar", scope: terminal, zone, channel: null });
      return cal.days.find((d) => d.releases.some((r) => r.id === "R-1"))?.date;
    };
    expect(T0).toBe(Date.UTC(2030, 0, 15, 9, 0));
    expect(await where("UTC")).toBe("2030-01-15");
    expect(await where("Europe/Berlin")).toBe("2030-01-16");
    expect(await where("America/New_York")).toBe("2030-01-15");
    // An unknown zone falls back to the configured one.
    expect(await where("Mars/Olympus")).toBe("2030-01-15");
  });

  it("lists live releases off the calendar and recently ended ones apart", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2");
    await say("alice", "create search 2.0.0");
    await say("alice", "cancel R-2 not needed");
    const cal = await core.bot.webRead({ kind: "web_calendar", scope: terminal, zone: null, channel: null });
    expect(cal.live.map((r) => r.id)).toEqual(["R-1"]);
    expect(cal.recent.map((r) => r.id)).toEqual(["R-2"]);
    expect(cal.days).toHaveLength(21);
    expect(cal.freezesNow).toEqual([]);
  });

  it("keeps cancelled, shipped and rolled-back releases off the calendar, without a countdown, and lists them as ended", async () => {
    core = createTestCore();
    // Every T-0 lies inside the 21-day window; each service its own, so no lock or queue links them.
    await say("alice", "create payments 1.4.2 at in 2h");
    await say("alice", "create search 2.0.0 at in 3h");
    await say("alice", "create checkout 3.1.0 at in 4h");
    await say("alice", "create billing 0.9.0 at in 5h");
    await say("alice", "cancel R-2 superseded");
    for (const id of ["R-3", "R-4"]) {
      for (const voter of ["bob", "carol"]) await say(voter, `vote ${id} go`);
      await say("alice", `ship ${id}`);
      core.clock.advance(MIN);
      await say("alice", `shipped ${id}`);
    }
    core.clock.advance(MIN);
    await say("alice", "rollback R-4 error rate 5x");
    await say("alice", "recovered R-4");
    const cal = await core.bot.webRead({ kind: "web_calendar", scope: terminal, zone: null, channel: null });
    expect(cal.days.flatMap((d) => d.releases).map((r) => r.id)).toEqual(["R-1"]);
    expect(cal.live).toEqual([]);
    // Newest end first: R-4 recovered last, R-3 shipped after R-2 was cancelled.
    expect(cal.recent.map((r) => [r.id, r.state])).toEqual([
      ["R-4", "rolled_back"],
      ["R-3", "shipped"],
      ["R-2", "cancelled"],
    ]);
    // On the page the voting release counts down to its T-0; the ended ones show their T-0 alone.
    const page = releasesPage(cal, "terminal");
    const ended = page.slice(page.indexOf('<h2 id="recent">'));
    expect(page.slice(0, page.indexOf('<h2 id="recent">')).match(/data-countdown=/g)).toHaveLength(1);
    for (const id of ["R-2", "R-3", "R-4"]) expect(ended).toContain(`>${id}</a>`);
    expect(ended).not.toContain("data-countdown");
  });
});

describe("web reads of the guardrails (issue 16)", () => {
  it("draws a weekly Berlin freeze on each day it covers in the viewer's zone, a one-off on its day, and says what is frozen now", async () => {
    core = createTestCore({ config: { timezone: "Europe/Berlin" } });
    await say("admin", "role grant rel release-manager");
    await say("rel", "freeze add weekly fri 16:00 until mon 09:00 reason weekend");
    await say("rel", "freeze add 2030-01-16 12:00 until 2030-01-16 14:00 reason db migration");
    await say("alice", "create payments 1.4.2 at 2030-01-18 17:00");
    const calendar = () => core.bot.webRead({ kind: "web_calendar", scope: terminal, zone: "America/New_York", channel: null });
    const cal = await calendar();
    const byDay = Object.fromEntries(cal.days.slice(0, 8).map((d) => [d.date, d.freezes.map((f) => `${f.title} ${iso(f.from)}–${iso(f.to)}`)]));
    // Fri 16:00 CET is 10:00 in New York; Mon 09:00 CET is 03:00 there: four New York days carry it.
    const weekend = `weekend ${iso(utc(2030, 1, 18, 15))}–${iso(utc(2030, 1, 21, 8))}`;
    expect(byDay).toEqual({
      "2030-01-15": [],
      "2030-01-16": [`db migration ${iso(utc(2030, 1, 16, 11))}–${iso(utc(2030, 1, 16, 13))}`],
      "2030-01-17": [],
      "2030-01-18": [weekend],
      "2030-01-19": [weekend],
      "2030-01-20": [weekend],
      "2030-01-21": [weekend],
      "2030-01-22": [],
    });
    expect(cal.days.find((d) => d.date === "2030-01-25")?.freezes.map((f) => f.id)).toEqual(["F-1"]);
    expect(cal.days.find((d) => d.date === "2030-01-18")?.freezes[0]).toMatchObject({ id: "F-1", weekly: true, scope: "releases of terminal #releases" });
    expect(cal.freezesNow).toEqual([]);

    core.clock.set(utc(2030, 1, 18, 15, 30));
    const frozen = await calendar();
    expect(frozen.freezesNow).toEqual([expect.objectContaining({ id: "F-1", title: "weekend", from: utc(2030, 1, 18, 15), to: utc(2030, 1, 21, 8) })]);
    // The release whose T-0 falls in it carries the freeze on its page.
    const view = await core.bot.webRead({ kind: "web_release", scope: terminal, id: "R-1" });
    expect(view!.freezes.map((f) => f.title)).toEqual(["weekend"]);
    // Filtered to another channel of the same workspace, this channel's freezes are not drawn.
    const ops: ChannelRef = { platform: "terminal", key: "terminal:local:#ops", nativeId: "#ops" };
    await core.bot.handle({ kind: "command", actor: person("olga"), channel: ops, text: "create gateway 7.0.0 at 2030-01-19 10:00" });
    const opsOnly = await core.bot.webRead({ kind: "web_calendar", scope: terminal, zone: null, channel: ops.key });
    expect(opsOnly.days.flatMap((d) => d.releases).map((r) => r.id)).toEqual(["R-2"]);
    expect(opsOnly.freezesNow).toEqual([]);
    expect(opsOnly.days.flatMap((d) => d.freezes)).toEqual([]);
  });

  it("shows another workspace none of this channel's freezes and none of its services' locks", async () => {
    core = createTestCore();
    await say("admin", "role grant rel release-manager");
    await say("rel", "freeze add now until in 3d reason terminal freeze");
    await say("alice", "create payments 1.4.2 at in 2h");
    await say("rel", "lock payments reason incident 42");
    await sayInSlack("sam", "create search 3.0.0 at in 2h");
    const mine = await core.bot.webRead({ kind: "web_calendar", scope: terminal, zone: null, channel: null });
    expect(mine.freezesNow.map((f) => f.title)).toEqual(["terminal freeze"]);
    expect(mine.locks).toEqual([expect.objectContaining({ label: "payments production", reason: "incident 42", holder: "rel" })]);
    expect(mine.days[0]!.releases.map((r) => [r.id, r.locks.map((l) => l.label)])).toEqual([["R-1", ["payments production"]]]);
    const theirs = await core.bot.webRead({ kind: "web_calendar", scope: otherWorkspace, zone: null, channel: null });
    expect(theirs.days[0]!.releases.map((r) => r.id)).toEqual(["R-2"]);
    expect(theirs.freezesNow).toEqual([]);
    expect(theirs.days.flatMap((d) => d.freezes)).toEqual([]);
    expect(theirs.locks).toEqual([]);
    expect(theirs.days[0]!.releases[0]!.locks).toEqual([]);
    // A lock on a service the other workspace releases is theirs to see, since it holds their release.
    await say("rel", "lock search reason shared cluster upgrade");
    const now = await core.bot.webRead({ kind: "web_calendar", scope: otherWorkspace, zone: null, channel: null });
    expect(now.locks.map((l) => l.label)).toEqual(["search production"]);
  });

  it("gives a release page its checklist with evidence, the freeze its T-0 falls in, the override with who and why, and those events in words", async () => {
    core = createTestCore();
    await say("admin", "role grant rel release-manager");
    await say("admin", "criteria set tests, changelog");
    await say("rel", "freeze add now until in 3h reason release train");
    await say("alice", "create payments 1.4.2 at in 2h");
    await say("alice", "check R-1 tests pass all green https://ci.example/run/7");
    core.clock.advance(5 * MIN);
    await say("alice", "check R-1 changelog fail entry missing");
    const before = await core.bot.webRead({ kind: "web_release", scope: terminal, id: "R-1" });
    expect(before!.criteria).toEqual([
      expect.objectContaining({ name: "tests", status: "passed", byName: "alice", source: "person", at: T0, note: "all green", url: "https://ci.example/run/7" }),
      expect.objectContaining({ name: "changelog", status: "failed", byName: "alice", at: T0 + 5 * MIN, note: "entry missing", url: null }),
    ]);
    expect(before!.freezes).toEqual([expect.objectContaining({ title: "release train", from: T0, to: T0 + 3 * HOUR, weekly: false })]);
    expect(before!.override).toBeNull();

    await say("alice", "check R-1 changelog pass");
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
    await say("rel", "ship R-1 override hotfix for the outage");
    const after = await core.bot.webRead({ kind: "web_release", scope: terminal, id: "R-1" });
    expect(after!.override).toEqual({ freeze: "'release train'", byName: "rel", reason: "hotfix for the outage", at: T0 + 5 * MIN });
    // Shipping, it is no longer held by the freeze.
    expect(after!.freezes).toEqual([]);
    const texts = after!.timeline.map((e) => `${e.actorName}: ${e.text}`);
    expect(texts).toEqual(
      expect.arrayContaining([
        "alice: ticked tests pending → passed (all green https://ci.example/run/7)",
        "alice: ticked changelog pending → failed (entry missing)",
        "alice: ticked changelog failed → passed",
        "rel: shipped inside freeze 'release train' (override): hotfix for the outage",
      ]),
    );
  });

  it("shows a queued release's place on its row and page, and the lock a rollback sets, with the queue and lock events in words", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2");
    await say("bob", "create payments 1.4.3 at in 30m");
    for (const id of ["R-1", "R-2"]) for (const voter of ["carol", "dave"]) await say(voter, `vote ${id} go`);
    await say("alice", "ship R-1");
    await advance(30 * MIN);
    const cal = await core.bot.webRead({ kind: "web_calendar", scope: terminal, zone: null, channel: null });
    const row = cal.days[0]!.releases.find((r) => r.id === "R-2");
    expect(row?.queue).toEqual({ behind: "R-1", position: 1, target: "payments production", since: T0 + 30 * MIN });
    expect((await core.bot.webRead({ kind: "web_release", scope: terminal, id: "R-2" }))!.queue).toMatchObject({ behind: "R-1", position: 1 });

    await say("alice", "rollback R-1 error rate 5x");
    await say("alice", "recovered R-1");
    await advance(0);
    const held = await core.bot.webRead({ kind: "web_release", scope: terminal, id: "R-2" });
    expect(held!.queue).toBeNull();
    // "after the rollback of R-1" names the rollback: the reason is said once, as on the card.
    expect(held!.locks).toEqual([{ label: "payments production", reason: "error rate 5x", holder: "alice", since: T0 + 30 * MIN, releaseId: "R-1" }]);
    const page = releasesPage(await core.bot.webRead({ kind: "web_calendar", scope: terminal, zone: null, channel: null }), "terminal");
    expect(page).toMatch(/<strong>payments production<\/strong> is locked after the rollback of R-1 by alice since <time [^>]+>[^<]+<\/time>: <span class="prewrap">error rate 5x<\/span>/);
    expect(page).not.toContain("rollback of R-1: error rate 5x");
    expect(held!.timeline.map((e) => e.text)).toEqual(
      expect.arrayContaining(["queued it behind R-1 (payments production busy)", "held: payments production is locked (rollback of R-1: error rate 5x)"]),
    );
    const r1 = await core.bot.webRead({ kind: "web_release", scope: terminal, id: "R-1" });
    expect(r1!.timeline.map((e) => e.text)).toContain("locked payments production: rollback of R-1: error rate 5x");
  });

  it("counts the guardrails in the numbers", async () => {
    core = createTestCore();
    await say("admin", "role grant rel release-manager");
    await say("rel", "freeze add now until in 2h reason incident");
    await say("alice", "create payments 1.4.2 at in 30m");
    await say("alice", "create search 2.0.0");
    await say("rel", "lock billing reason migration");
    await say("alice", "create billing 3.0.0 at in 30m");
    for (const id of ["R-1", "R-2", "R-3"]) for (const voter of ["carol", "dave"]) await say(voter, `vote ${id} go`);
    await say("rel", "ship R-2 override urgent fix");
    await advance(30 * MIN);
    const numbers = await core.bot.webRead({ kind: "web_numbers", scope: terminal, service: null, days: 30, checkAudit: true });
    expect(numbers.stats.guardrails).toEqual({ heldByFreeze: 1, heldByLock: 1, heldByFailedCriteria: 0, overrides: 1 });
    expect((await core.bot.webRead({ kind: "web_numbers", scope: otherWorkspace, service: null, days: 30, checkAudit: true })).stats.guardrails).toEqual({ heldByFreeze: 0, heldByLock: 0, heldByFailedCriteria: 0, overrides: 0 });
  });
});

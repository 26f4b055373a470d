import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { humanDuration, statsReport, statsText } from "../../src/app/use-cases/stats.js";
import type { CoreConfig } from "../../src/app/context.js";
import type { Reply } from "../../src/app/views.js";
import { computeStats, type ReleaseFacts } from "../../src/domain/stats.js";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const utc = (iso: string) => Date.parse(`${iso}Z`);
const text = (r: Reply) => (r.type === "message" ? r.text : "");

/** A release with nothing happened yet; tests fill in what they need. */
function facts(id: string, createdAt: number, extra: Partial<ReleaseFacts> = {}): ReleaseFacts {
  return {
    id,
    service: "payments",
    environment: "production",
    createdAt,
    decidedGoAt: null,
    shippedAt: null,
    failedAt: null,
    rollbackRequestedAt: null,
    recoveredAt: null,
    state: "voting",
    voters: 0,
    quorum: 2,
    ...extra,
  };
}

describe("computeStats (pure)", () => {
  const now = utc("2030-01-28T12:00");

  it("counts each event in the window it happened, whenever its release was created, and only the asked service", () => {
    const releases = [
      facts("R-1", now - 15 * D, { shippedAt: now - 14 * D }), // created before the 14-day window, shipped at its very start: a deploy of the window
      facts("R-2", now - 14 * D, { shippedAt: now - 13 * D }), // created exactly at the window start: in
      facts("R-3", now - 2 * D, { shippedAt: now - D, service: "checkout" }),
      facts("R-4", now + MIN), // after now (clock skew): out
    ];
    const all = computeStats({ releases, now, days: 14, service: null, timezone: "UTC" });
    expect(all.releases).toBe(2); // created in the window
    expect(all.deploymentFrequency).toEqual({ shipped: 3, perWeek: 1.5 }); // shipped in 14 days = 2 weeks → 1.5/week
    expect(all.leadTime.count).toBe(3);
    expect(all.changeFailureRate.deploys).toBe(3);
    expect(all.window).toEqual({ from: now - 14 * D, to: now, days: 14 });
    const payments = computeStats({ releases, now, days: 14, service: "payments", timezone: "UTC" });
    expect(payments.releases).toBe(1); // R-2 only
    expect(payments.deploymentFrequency.perWeek).toBe(1); // shipped / 2 weeks
    // A day later R-1's shipping has left the 14-day window; R-2's is at its start.
    expect(computeStats({ releases, now: now + D, days: 14, service: "payments", timezone: "UTC" }).deploymentFrequency.shipped).toBe(1);
  });

  it("takes the median as the mean of the middle pair and p90 by nearest rank", () => {
    const leads = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((h) => h * H); // 10 shipped releases, lead 1h..10h
    const releases = leads.map((lead, i) => facts(`R-${i + 1}`, now - 5 * D, { shippedAt: now - 5 * D + lead }));
    const r = computeStats({ releases, now, days: 30, service: null, timezone: "UTC" });
    // median of 10 = (5h + 6h) / 2 = 5.5h; p90 = ⌈0.9·10⌉ = 9th smallest = 9h
    expect(r.leadTime).toEqual({ count: 10, median: 5.5 * H, p90: 9 * H });
    // deployment frequency: 10 shipped in 30 days → 10 / (30/7) = 2.333…/week
    expect(r.deploymentFrequency.perWeek).toBeCloseTo(7 / 3, 10);
  });

  it("counts a failed deploy that never shipped as a deploy, so the failure rate stays within 0..1", () => {
    const t = now - 3 * D;
    const releases = [
      facts("R-1", t, { shippedAt: t + H }), // healthy
      facts("R-2", t, { shippedAt: t + H, rollbackRequestedAt: t + 2 * H, recoveredAt: t + 2 * H + 20 * MIN }), // shipped, rolled back
      facts("R-3", t, { failedAt: t + H, rollbackRequestedAt: t + 90 * MIN }), // failed in the pipeline, rollback still running
      facts("R-4", t, { failedAt: t + H, shippedAt: t + 3 * H }), // failed once, a retry shipped
    ];
    const r = computeStats({ releases, now, days: 7, service: null, timezone: "UTC" });
    // failures (each release once), R-4 = 3; deploys: all 4 → 75%
    expect(r.changeFailureRate).toEqual({ rate: 0.75, failures: 3, deploys: 4, failed: 2, rolledBack: 2 });
    // restore: only R-2 recovered (20m); R-3 is still rolling back
    expect(r.timeToRestore).toEqual({ count: 1, median: 20 * MIN, open: 1 });
  });

  it("buckets each event in the ISO week it happened in the report's zone, across a week boundary", () => {
    // Monday 2030-01-21 03:00 UTC is still Sunday 22:00 in New York (UTC−5): week 3 there, week 4 in UTC.
    const boundary = utc("2030-01-21T03:00");
    const releases = [
      facts("R-1", utc("2030-01-15T10:00"), { shippedAt: utc("2030-01-15T12:00") }), // Tue W03 anywhere
      facts("R-2", utc("2030-01-20T20:00"), { shippedAt: boundary }),
      facts("R-3", utc("2030-01-22T10:00"), { failedAt: utc("2030-01-22T11:00"), rollbackRequestedAt: utc("2030-01-22T11:30") }), // W04
    ];
    const at = utc("2030-01-24T12:00");
    const pick = (zone: string) => computeStats({ releases, now: at, days: 10, service: null, timezone: zone }).weeks;
    // window 14 Jan 12:00 – 24 Jan 12:00 UTC → weeks W03 (Mon 14 Jan) and W04 (Mon 21 Jan)
    expect(pick("America/New_York")).toEqual([
      { week: "2030-W03", start: utc("2030-01-14T05:00"), shipped: 2, failed: 0, rolledBack: 0, failures: 0 }, // NY midnight = 05:00 UTC
      // R-3 failed and was then rolled back: one failure, as the change failure rate counts it.
      { week: "2030-W04", start: utc("2030-01-21T05:00"), shipped: 0, failed: 1, rolledBack: 1, failures: 1 },
    ]);
    expect(pick("UTC").map((w) => [w.week, w.shipped])).toEqual([["2030-W03", 1], ["2030-W04", 1]]);
  });

  it("names weeks by ISO week-year, so 31 Dec 2029 is in 2030-W01", () => {
    const r = computeStats({ releases: [facts("R-1", utc("2029-12-31T10:00"), { shippedAt: utc("2029-12-31T11:00") })], now: utc("2030-01-02T00:00"), days: 3, service: null, timezone: "UTC" });
    // window 30 Dec (Sun, 2029-W52) – 2 Jan (Wed, 2030-W01)
    expect(r.weeks.map((w) => [w.week, w.shipped])).toEqual([["2029-W52", 0], ["2030-W01", 1]]);
  });

  it("starts every week at its Monday's midnight, also after a Monday whose midnight the clocks skipped (São Paulo, 6 Oct 1997)", () => {
    // Mon 13 Oct 1997 00:30 in São Paulo (UTC-2 in summer time) is 02:30 UTC: week 42, not week 41.
    const r = computeStats({ releases: [facts("R-1", utc("1997-10-12T12:00"), { shippedAt: utc("1997-10-13T02:30") })], now: utc("1997-10-15T00:00"), days: 14, service: null, timezone: "America/Sao_Paulo" });
    expect(r.weeks.map((w) => [w.week, w.shipped])).toEqual([["1997-W40", 0], ["1997-W41", 0], ["1997-W42", 1]]);
  });

  it("gives nulls, never 0 or NaN, for an empty window, and still lists the empty weeks", () => {
    const r = computeStats({ releases: [], now, days: 14, service: "payments", timezone: "Europe/Berlin" });
    expect(r).toMatchObject({
      releases: 0,
      deploymentFrequency: { shipped: 0, perWeek: 0 },
      leadTime: { count: 0, median: null, p90: null },
      changeFailureRate: { rate: null, failures: 0, deploys: 0 },
      timeToRestore: { count: 0, median: null, open: 0 },
      timeToDecision: { count: 0, median: null },
      participation: { voted: 0, averageVoters: null, averageQuorum: null, reachedGo: 0, goShare: null },
    });
    // 14 Jan 13:00 – 28 Jan 13:00 Berlin: W03, W04, W05, all zero
    expect(r.weeks.map((w) => w.week)).toEqual(["2030-W03", "2030-W04", "2030-W05"]);
    expect(r.weeks.every((w) => w.shipped + w.failed + w.rolledBack === 0)).toBe(true);
    expect(JSON.stringify(r)).not.toContain("NaN");
  });

  it("refuses a window that is not positive", () => {
    expect(() => computeStats({ releases: [], now, days: 0, service: null, timezone: "UTC" })).toThrow(RangeError);
  });
});

describe("humanDuration", () => {
  it("reads like a person would say it", () => {
    expect([null, 45_000, 12 * MIN, 2 * H + 5 * MIN, 5 * H, D, 3 * D + 4 * H, 75 * MIN].map(humanDuration)).toEqual(["—", "45s", "12m", "2h 5m", "5h", "1d", "3d 4h", "1h 15m"]);
  });

  it("says under 1s rather than 0s, and never 60s", () => {
    expect([0, 400, 1_000, 59_400, 59_600].map(humanDuration)).toEqual(["under 1s", "under 1s", "1s", "59s", "1m"]);
  });
});

/*
 * A history seeded through the real door (bot.handle on SQLite, fake clock), in
 * Europe/Berlin (UTC+1 in January). The stats run at NOW over the last 14 days:
 * window = Mon 14 Jan 12:00 UTC → Mon 28 Jan 12:00 UTC. All times below are UTC.
 *
 *  id   service   created         GO (ttd)        shipped (lead)        failure / rollback / recovered   voters
 *  R-1  payments  Thu 10 Jan 09:00  —             (created before the window: never counted)
 *  R-2  payments  Mon 14 Jan 13:00  14:00 (1h)    Mon 14 Jan 15:00 (2h)  —                                2
 *  R-3  payments  Wed 16 Jan 09:00  12:00 (3h)    Wed 16 Jan 13:00 (4h)  rollback 14:00, recovered 14:30  2
 *  R-4  checkout  Sun 20 Jan 17:30  19:30 (2h)    Sun 20 Jan 23:30 (6h)  —                                3
 *  R-5  payments  Tue 22 Jan 10:00  14:00 (4h)    Wed 23 Jan 10:00 (1d)  —                                2
 *  R-6  payments  Thu 24 Jan 09:00  09:30 (30m)   never                  deploy failed 10:00, rollback 10:10, recovered 12:10  2
 *  R-7  payments  Fri 25 Jan 09:00  never         never                  (one no-go)                      1
 *  R-8  payments  Mon 28 Jan 09:00  never         never                  (cancelled, no votes)            0
 *
 * R-4 shipped Sunday 23:30 UTC = Monday 00:30 in Berlin: week 4 in Berlin, week 3 in UTC.
 */
const NOW = utc("2030-01-28T12:00");
let core: TestCore;

/** Asks for stats through the door, as a person in chat would. */
const stats = (command: string) => core.bot.handle({ kind: "command", actor: person("erin"), channel, text: command });

async function seed(): Promise<void> {
  core = createTestCore({ now: utc("2030-01-10T09:00"), config: { timezone: "Europe/Berlin" } });
  const at = (iso: string) => core.clock.set(utc(iso));
  const say = async (who: string, command: string) => {
    const r = await core.bot.handle({ kind: "command", actor: person(who), channel, text: command });
    if (r.type !== "message" || r.error) throw new Error(`seeding failed at "${command}": ${JSON.stringify(r)}`);
  };
  const goAndShip = async (id: string, bobAt: string, carolAt: string) => {
    at(bobAt);
    await say("bob", `vote ${id} go`);
    at(carolAt);
    await say("carol", `vote ${id} go`);
    await say("alice", `ship ${id}`);
  };

  await say("alice", "create payments 1.0.0"); // R-1 at 10 Jan 09:00
  await goAndShip("R-1", "2030-01-10T09:05", "2030-01-10T09:10");
  at("2030-01-10T10:00");
  await say("alice", "shipped R-1");

  at("2030-01-14T13:00");
  await say("alice", "create payments 1.1.0");
  await goAndShip("R-2", "2030-01-14T13:30", "2030-01-14T14:00");
  at("2030-01-14T15:00");
  await say("alice", "shipped R-2");

  at("2030-01-16T09:00");
  await say("alice", "create payments 1.2.0");
  await goAndShip("R-3", "2030-01-16T10:00", "2030-01-16T12:00");
  at("2030-01-16T13:00");
  await say("alice", "shipped R-3");
  at("2030-01-16T14:00");
  await say("alice", "rollback R-3 error rate 5x");
  at("2030-01-16T14:30");
  await say("alice", "recovered R-3");
  // The rollback locked payments production; its manager lifts the lock once it is understood.
  await say("alice", "unlock payments reason fixed forward");

  at("2030-01-20T17:30");
  await say("alice", "create checkout 3.0.0");
  at("2030-01-20T18:00");
  await say("bob", "vote R-4 go");
  at("2030-01-20T19:30");
  await say("carol", "vote R-4 go"); // GO here: 2h after creation
  at("2030-01-20T19:45");
  await say("dave", "vote R-4 go"); // a third voter after GO still counts as participation
  at("2030-01-20T20:00");
  await say("alice", "ship R-4");
  at("2030-01-20T23:30");
  await say("alice", "shipped R-4");

  at("2030-01-22T10:00");
  await say("alice", "create payments 1.3.0");
  await goAndShip("R-5", "2030-01-22T12:00", "2030-01-22T14:00");
  at("2030-01-23T10:00");
  await say("alice", "shipped R-5");

  at("2030-01-24T09:00");
  await say("alice", "create payments 1.4.0");
  await goAndShip("R-6", "2030-01-24T09:15", "2030-01-24T09:30");
  // What the deploy hook records when the pipeline reports `failed`.
  await core.store.appendAudit({ releaseId: "R-6", at: utc("2030-01-24T10:00"), actor: "hook:ci", platform: "hook", type: "deploy_failed", data: {} });
  at("2030-01-24T10:10");
  await say("alice", "rollback R-6 deploy failed");
  at("2030-01-24T12:10");
  await say("alice", "recovered R-6");

  at("2030-01-25T09:00");
  await say("alice", "create payments 1.5.0");
  at("2030-01-25T10:00");
  await say("bob", "vote R-7 no-go flaky tests");

  at("2030-01-28T09:00");
  await say("alice", "create payments 1.6.0");
  at("2030-01-28T09:30");
  await say("alice", "cancel R-8 duplicate");

  at("2030-01-28T12:00");
  await core.bot.idle();
}

/** The stats use case as of NOW, read in `timezone` (the configured zone otherwise). */
function statsJson(service: string | null, days: number, timezone: string, config: Partial<CoreConfig> = {}) {
  expect(core.clock.now()).toBe(NOW);
  const silent = { info() {}, warn() {}, error() {} };
  return core.store.transaction((tx) => statsReport({ store: tx, clock: core.clock, config: { ...core.config, ...config, timezone }, log: silent, effects: [], audited: [] }, service, days));
}

describe("release stats over a history seeded through the bot", () => {
  beforeAll(seed);
  afterAll(async () => core?.close());

  it("computes every metric for all services as worked out by hand", async () => {
    const r = await statsJson(null, 14, "Europe/Berlin");
    expect(r.window).toEqual({ from: utc("2030-01-14T12:00"), to: NOW, days: 14 });
    expect(r.releases).toBe(7); // R-2 … R-8; R-1 was created before the window
    // 4 shipped in 14 days = 2 weeks → 2.0/week
    expect(r.deploymentFrequency).toEqual({ shipped: 4, perWeek: 2 });
    // lead times 2h, 4h, 6h, 1d → median (4h + 6h) / 2 = 5h; p90 = ⌈0.9·4⌉ = 4th = 1d
    expect(r.leadTime).toEqual({ count: 4, median: 5 * H, p90: D });
    // failures: R-3 (rolled back), R-6 (deploy failed, then rolled back) = 2;
    // deploys: 4 shipped + R-6 (failed, never shipped) = 5 → 2/5 = 40%
    expect(r.changeFailureRate).toEqual({ rate: 0.4, failures: 2, deploys: 5, failed: 1, rolledBack: 2 });
    // restores 30m and 2h → median (30m + 2h) / 2 = 1h 15m
    expect(r.timeToRestore).toEqual({ count: 2, median: 75 * MIN, open: 0 });
    // time to GO 1h, 3h, 2h, 4h, 30m → sorted 30m, 1h, 2h, 3h, 4h → median 2h
    expect(r.timeToDecision).toEqual({ count: 5, median: 2 * H });
    // voted on: R-2..R-7 = 6 releases with 2+2+3+2+2+1 = 12 voters → 2.0 per release, quorum 2;
    // reached GO: R-2..R-6 = 5 of 7
    expect(r.participation).toEqual({ voted: 6, averageVoters: 2, averageQuorum: 2, reachedGo: 5, goShare: 5 / 7 });
  });

  it("buckets by ISO week in Berlin, where R-4's Sunday-night deploy is already Monday", async () => {
    const berlin = (await statsJson(null, 14, "Europe/Berlin")).weeks;
    // W03 (14–20 Jan): shipped; rolled back R-3. W04 (21–27 Jan): shipped R-4 (Mon 00:30), R-5; R-6 failed and rolled back. W05: nothing yet.
    expect(berlin).toEqual([
      { week: "2030-W03", start: utc("2030-01-13T23:00"), shipped: 2, failed: 0, rolledBack: 1, failures: 1 },
      { week: "2030-W04", start: utc("2030-01-20T23:00"), shipped: 2, failed: 1, rolledBack: 1, failures: 1 },
      { week: "2030-W05", start: utc("2030-01-27T23:00"), shipped: 0, failed: 0, rolledBack: 0, failures: 0 },
    ]);
    // The same history read in UTC puts R-4 (Sun 23:30) in W03: 3 shipped, then 1.
    const inUtc = (await statsJson(null, 14, "UTC")).weeks;
    expect(inUtc.map((w) => [w.week, w.shipped])).toEqual([["2030-W03", 3], ["2030-W04", 1], ["2030-W05", 0]]);
  });

  it("filters by service", async () => {
    const r = await statsJson("payments", 14, "Europe/Berlin");
    expect(r.service).toBe("payments");
    expect(r.releases).toBe(6); // R-8 (R-4 is checkout)
    expect(r.deploymentFrequency).toEqual({ shipped: 3, perWeek: 1.5 }); // 3 shipped / 2 weeks
    expect(r.leadTime).toEqual({ count: 3, median: 4 * H, p90: D }); // 2h, 4h, 1d → median 4h; p90 = ⌈2.7⌉ = 3rd = 1d
    expect(r.changeFailureRate).toMatchObject({ rate: 0.5, failures: 2, deploys: 4 }); // of
    expect(r.timeToDecision).toEqual({ count: 4, median: 2 * H }); // 30m, 1h, 3h, 4h → (1h + 3h) / 2
    expect(r.participation).toMatchObject({ voted: 5, averageVoters: 9 / 5, reachedGo: 4, goShare: 4 / 6 }); // 2+2+2+2+1 = 9 voters
    expect(r.weeks.map((w) => w.shipped)).toEqual([2, 1, 0]); // R-2, R-3 | R-5 | —
  });

  it("uses the channel's quorum for participation", async () => {
    await core.store.setPolicy(channel.key, { quorum: 3 });
    try {
      expect((await statsJson(null, 14, "UTC")).participation.averageQuorum).toBe(3); // the channel's stored policy
      await core.store.setPolicy(channel.key, {});
      expect((await statsJson(null, 14, "UTC", { quorum: 4 })).participation.averageQuorum).toBe(4); // else the configured quorum
    } finally {
      await core.store.setPolicy(channel.key, { quorum: 2 });
    }
  });

  it("answers /release stats with one line per metric and aligned weekly bars", async () => {
    const reply = await stats("stats 14");
    const out = text(reply);
    const lines = out.split("\n");
    expect(lines.length).toBeLessThanOrEqual(40);
    expect(lines[0]).toBe("📊 Release stats · all services · all environments · last 14 days");
    expect(lines[1]).toBe("14 Jan 2030 13:00 – 28 Jan 2030 13:00 (Europe/Berlin) · each event in the window it happened · 7 releases created in it");
    expect(out).toContain("• Deploys: 4 shipped · 2.0 per week (and 1 failed or rolled back before reaching shipped)");
    expect(out).toContain("• Lead time (created → shipped): median 5h · p90 1d");
    // R-6 failed and was rolled back: one of the 2, and the breakdown says a deploy can be both.
    expect(out).toContain("• Change failure rate: 40% · 2 of 5 deploys failed or rolled back, each counted once (1 failed deploy, 2 rolled back: a deploy can be both)");
    expect(out).toContain("• Time to restore (rollback → recovered): median 1h 15m · 2 restored");
    expect(out).toContain("• Time to decision (created → GO): median 2h · 5 reached GO");
    expect(out).toContain("• Participation: 2.0 voters per release voted on (quorum today: 2) · 5 of the 7 releases created reached GO (71%)");
    // Counts ≤ 10: one block per release, so the bars can be counted.
    const chart = out.slice(out.indexOf("```\n") + 4, out.lastIndexOf("\n```")).split("\n");
    // One failure column, each deploy once (as the rate and the web view's weekly chart count it):
    // R-6 failed and was rolled back in W04, one failure there, not one under each label.
    expect(chart).toEqual([
      "week         shipped   failed or rolled back",
      "W03 14 Jan   ██ 2      █ 1",
      "W04 21 Jan   ██ 2      █ 1",
      "W05 28 Jan      0        0",
    ]);
    const failuresInChart = chart.slice(1).reduce((n, row) => n + Number(row.trim().split(/\s+/).at(-1)), 0);
    expect(failuresInChart).toBe(2);
  });

  it("reads naturally: 'no failed deploys', 'none held', plurals, and a window that says where it starts and ends", () => {
    const now = utc("2030-01-31T12:00");
    const releases = [
      facts("R-1", now - 5 * D, { shippedAt: now - 4 * D, decidedGoAt: now - 5 * D + H, voters: 2 }),
      facts("R-2", now - 3 * D, { shippedAt: now - 2 * D, rollbackRequestedAt: now - 2 * D + H, recoveredAt: now - 2 * D + 2 * H, voters: 2 }),
      facts("R-3", now - D, { environment: "staging", voters: 1 }),
    ];
    const out = statsText(computeStats({ releases, now, days: 30, service: null, timezone: "UTC" }));
    expect(out).toContain("1 Jan 2030 12:00 – 31 Jan 2030 12:00 (UTC) · each event in the window it happened · 3 releases created in it");
    expect(out).toContain("each counted once (no failed deploys, 1 rolled back)");
    expect(out).toContain("• Environments: production (2 shipped) · staging (none shipped), counted together here.");
    expect(out).toContain("• Guardrails: none held by a freeze · none held by a lock · none held by failed criteria · no freeze overrides");
    expect(out).not.toMatch(/\b0 (failed|held|freeze|shipped)/);

    // The chart's first and last weeks are only partly in the window: the line says from when and that the last is so far.
    expect(out).toContain("Per week, weeks start Monday in UTC; W01 counted from 1 Jan 12:00, W05 so far:");

    const day = statsText(computeStats({ releases, now, days: 1, service: null, timezone: "UTC" }));
    expect(day.split("\n")[0]).toBe("📊 Release stats · all services · all environments · last 24 hours");
    expect(day).toContain("30 Jan 2030 12:00 – 31 Jan 2030 12:00 (UTC)");
    expect(day).toContain("• Participation: 1.0 voters per release voted on (quorum today: 2) · the 1 release created did not reach GO");
  });

  it("scales bars above ten per week with eighth blocks and keeps a one visible", () => {
    const releases = Array.from({ length: 20 }, (_, i) => facts(`R-${i}`, NOW - 2 * D, { shippedAt: NOW - D, rollbackRequestedAt: i === 0 ? NOW - D + H : null }));
    const report = computeStats({ releases, now: NOW, days: 7, service: null, timezone: "UTC" });
    const week = report.weeks.find((w) => w.shipped === 20)!;
    expect(week.rolledBack).toBe(1);
    // 20 is the widest: 10 cells; 1 → 1/2 cell → ▌
    expect(statsText(report)).toMatch(/^W04 21 Jan {3}█{10} 20 {3}▌ 1$/m);
  });

  it("answers kindly when nothing happened in the window", async () => {
    // checkout's one release shipped a week before this 2-day window.
    const reply = await stats("stats checkout 2");
    expect(text(reply)).toBe(
      [
        "📊 Release stats · checkout · all environments · last 2 days",
        "Nothing happened in 26 Jan 2030 13:00 – 28 Jan 2030 13:00 (Europe/Berlin): no release was created, reached GO, shipped, failed or was rolled back.",
        "Try a longer window, e.g. `/release stats checkout 90`.",
      ].join("\n"),
    );
    const r = await statsJson("search", 30, "Europe/Berlin");
    expect([r.leadTime.median, r.leadTime.p90, r.changeFailureRate.rate, r.timeToRestore.median, r.timeToDecision.median, r.participation.averageVoters, r.participation.goShare]).toEqual([null, null, null, null, null, null, null]);
  });

  it("says a service no release ever had is unknown, listing the ones there are", async () => {
    const reply = await stats("stats paymnts 30");
    expect(reply).toMatchObject({ error: true, text: "No release of paymnts is known, so it has no stats. Services with releases: checkout, payments. `/release stats` covers every service." });
  });

  it("shows dashes, not zeros, for metrics without data when releases exist but none shipped", async () => {
    const out = text(await stats("stats payments 1")); // only R-8 (created today, cancelled)
    expect(out).toContain("· 1 release created in it");
    expect(out).toContain("• Deploys: none shipped");
    expect(out).toContain("• Lead time (created → shipped): —");
    expect(out).toContain("• Change failure rate: — (no deploys)");
    expect(out).toContain("• Participation: no votes cast · the 1 release created did not reach GO");
  });

  it("draws at most 12 weeks in chat for a long window and keeps every week in the JSON", async () => {
    const out = text(await stats("stats 365"));
    expect(out.split("\n").length).toBeLessThanOrEqual(40);
    // 365 days before Mon 28 Jan 2030 is Sun 28 Jan 2029, in the week of Mon 22 Jan 2029: 52 weeks + that one + this one = 54
    // The first week drawn is a whole one (the window's first is left out): only the last is cut.
    expect(out).toContain("Per week (last 12 of 54), weeks start Monday in Europe/Berlin; W05 so far:");
    expect((await statsJson(null, 365, "Europe/Berlin")).weeks).toHaveLength(54);
  });
});

describe("release stats of a release created before the window", () => {
  it("counts its shipping in the week it shipped, read from the store", async () => {
    const own = createTestCore({ now: utc("2030-03-01T09:00") });
    try {
      const say = (who: string, command: string) => own.bot.handle({ kind: "command", actor: person(who), channel, text: command });
      await say("alice", "create payments 2.0.0"); // made on 1 Mar for a T-0 a week later
      own.clock.set(utc("2030-03-09T10:00"));
      for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
      await say("alice", "ship R-1");
      await say("alice", "shipped R-1");
      const out = text(await own.bot.handle({ kind: "command", actor: person("erin"), channel, text: "stats 7" }));
      expect(out).toContain("· 0 releases created in it");
      expect(out).toContain("• Deploys: 1 shipped · 1.0 per week");
      expect(out).toContain("• Lead time (created → shipped): median 8d 1h");
      // A window shorter than a week says its rate per day: one deploy yesterday is not "7.0 per week".
      const day = text(await own.bot.handle({ kind: "command", actor: person("erin"), channel, text: "stats 1" }));
      expect(day).toContain("• Deploys: 1 shipped · 1.0 per day");
      const twoDays = text(await own.bot.handle({ kind: "command", actor: person("erin"), channel, text: "stats 2" }));
      expect(twoDays).toContain("• Deploys: 1 shipped · 0.5 per day");
    } finally {
      await own.close();
    }
  });
});

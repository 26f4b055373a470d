import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, T0, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import type { Reply } from "../../src/app/views.js";
import { actorOf } from "../../src/domain/identity.js";

/*
 * What a new release manager ran into walking through the README with the guardrails
 * (criteria, freezes, locks, the queue) together: each test is one of those findings.
 */

const MIN = 60_000;
let core: TestCore;
afterEach(async () => core?.close());

const text = (r: Reply) => (r.type === "message" ? r.text : r.type);
const say = (who: string, line: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text: line });
const advance = async (ms: number) => {
  core.clock.advance(ms);
  await core.bot.runDueJobs();
  await core.bot.idle();
};

/** A UTC channel: `rel` is a release-manager, `oscar` on-call, `quinn` holds qa; quorum 2 (carol and dave vote). */
async function setup(zone = "UTC") {
  core = createTestCore({ now: T0, config: { timezone: zone } });
  core.bot.attachSurface(createRecordingSurface().surface);
  await say("admin", "role grant rel release-manager");
  await say("admin", "role grant oscar oncall");
  await say("admin", "role grant quinn qa");
}

describe("/release help", () => {
  it("names every /release command, stats and audit included", async () => {
    await setup();
    const help = text(await say("anyone", "help"));
    const commands = ["create", "vote", "retract", "status", "list", "share", "schedule", "update", "ship", "shipped", "hold", "cancel", "rollback", "recovered", "retro", "policy", "role", "stats", "audit", "freeze", "lock", "unlock", "locks", "web", "criteria", "check", "help"];
    expect(commands.filter((c) => !help.includes(`/release ${c}`))).toEqual([]);
    expect(help).toContain("/release audit export [from] [to]");
    expect(help).not.toContain("In Discord");
  });

  it("tells Discord users that unlock and locks are actions of /release lock, retract a choice of vote and unlink an action of link (Discord holds 25 subcommands)", async () => {
    await setup();
    const discordChannel = { platform: "discord", key: "discord:G1:C1", nativeId: "C1" } as const;
    const actor = actorOf({ kind: "person", platform: "discord", scope: "G1", user: "U1" }, "dana");
    const reply = await core.bot.handle({ kind: "command", actor, channel: discordChannel, text: "help" });
    expect(text(reply)).toContain("unlock and locks are `/release lock` action unlock or list, retract is `/release vote` choice “take back my vote”, unlink is `/release link` action unlink");
  });
});

describe("the queue and readiness criteria", () => {
  it("counts a queued release whose criterion failed before its turn as held by failed criteria", async () => {
    await setup();
    await say("admin", "criteria set tests:qa");
    await say("alice", "create payments 1.4.2");
    await say("bob", "create payments 1.4.3 at in 30m");
    for (const id of ["R-1", "R-2"]) {
      await say("quinn", `check ${id} tests pass`);
      for (const voter of ["carol", "dave"]) await say(voter, `vote ${id} go`);
    }
    await say("alice", "ship R-1");
    await advance(30 * MIN);
    expect(text(await say("bob", "locks"))).toContain("R-2 (behind R-1)");
    await say("quinn", "check R-2 tests fail login flow broken");

    await say("alice", "shipped R-1");
    await advance(0);
    expect((await core.store.getRelease("R-2"))?.state).toBe("held");
    expect(text(await say("bob", "stats"))).toContain("1 held by failed criteria");
  });
});

describe("a freeze and readiness criteria", () => {
  it("counts a release held at T-0 by a freeze while a criterion had failed as held by failed criteria too", async () => {
    await setup();
    await say("admin", "criteria set tests:qa");
    await say("alice", "create payments 1.4.2 at in 30m");
    for (const voter of ["carol", "dave"]) await say(voter, "vote R-1 go");
    await say("quinn", "check R-1 tests fail login flow broken");
    await say("rel", "freeze add now until in 2h reason incident 42");
    await advance(30 * MIN);
    expect((await core.store.getRelease("R-1"))?.stateReason).toBe("in freeze 'incident 42' until Tue 15 Jan 11:00 (UTC)");
    expect(text(await say("bob", "stats"))).toContain("• Guardrails: 1 held by a freeze · none held by a lock · 1 held by failed criteria · no freeze overrides");
  });
});

describe("what to do next", () => {
  it("asks for a lock's reason with the service and environment that were typed", async () => {
    await setup();
    expect(text(await say("rel", "lock api"))).toBe("Say why, so the team knows: `/release lock api reason <text>`.");
    expect(text(await say("rel", "unlock api staging"))).toBe("Say why, so the team knows: `/release unlock api staging reason <text>`.");
  });

  it("says at once when a criterion's role has no holders, so only admins could tick it", async () => {
    await setup();
    const reply = text(await say("admin", "criteria set tests:qa, security-review:security, rollback-plan:security, changelog"));
    expect(reply).toContain("Nobody holds security yet, so only admins can tick security-review, rollback-plan: `/release role grant <user> security`.");
    expect(reply).not.toContain("Nobody holds qa");
  });
});

describe("freeze examples that work as written", () => {
  it("suggests a one-off freeze that can be added on any day, and refuses one over a year ahead without pointing at /release schedule", async () => {
    await setup();
    // Real today, not the tests' 2030: the suggestion must work whenever it is read.
    core.clock.set(Date.UTC(2026, 11, 2, 14, 0));
    const none = text(await say("rel", "freeze list"));
    const suggested = /`\/release (freeze add [^`]*reason[^`]*)`/.exec(none)?.[1];
    expect(suggested).toBeDefined();
    expect(text(await say("rel", suggested!))).toContain("Freeze F-1 added");

    const far = await say("rel", "freeze add 2030-12-24 00:00 until 2031-01-05 09:00 reason year-end");
    expect(far).toMatchObject({ error: true });
    expect(text(far)).toContain("is more than a year ahead");
    expect(text(far)).not.toContain("/release schedule");
    expect(text(far)).toContain("add a freeze that ends later once it is within a year");
  });
});

describe("an override after the freeze", () => {
  it("lets the manager ship with the override words once the freeze has ended, instead of refusing an override nobody needs", async () => {
    await setup();
    await say("rel", "freeze add now until in 1h reason incident 42");
    await say("alice", "create payments 1.4.2");
    for (const voter of ["carol", "dave"]) await say(voter, "vote R-1 go");
    expect(await say("alice", "ship R-1 override hotfix")).toMatchObject({ error: true, text: expect.stringContaining("Only release-managers and admins may ship inside a freeze") });
    await advance(60 * MIN);
    expect(await say("alice", "ship R-1 override hotfix")).toMatchObject({ error: false, text: expect.stringContaining("R-1 is shipping") });
    expect(await core.store.getOverride("R-1")).toBeUndefined();
  });
});

describe("unlocking after a rollback", () => {
  it("tells a plain user that the rolled-back release's manager may lift its lock too", async () => {
    await setup();
    await say("alice", "create payments 1.4.2");
    for (const voter of ["carol", "dave"]) await say(voter, "vote R-1 go");
    await say("alice", "ship R-1");
    await say("oscar", "rollback R-1 error rate 5x");

    const refused = await say("bob", "unlock payments reason looks fine");
    expect(refused).toMatchObject({ error: true });
    expect(text(refused)).toBe("Only release-managers, admins and alice (the release manager of R-1, whose rollback set this lock) may unlock payments production. Ask one of them, or an admin: `/release role grant <you> release-manager`.");
    expect((await core.store.listAudit("R-1")).at(-1)).toMatchObject({ type: "permission_refused", data: { action: "lock" } });
    // A lock set by hand has no such manager: the plain refusal stands.
    await say("rel", "lock search reason incident 7");
    expect(text(await say("bob", "unlock search reason done"))).toContain("Only release-managers and admins may lock or unlock deploys");
  });

  it("says a rollback's lock reason once: after the rollback of R-1 by oscar: error rate 5x", async () => {
    await setup();
    await say("alice", "create payments 1.4.2");
    await say("alice", "create payments 1.4.3");
    for (const id of ["R-1", "R-2"]) for (const voter of ["carol", "dave"]) await say(voter, `vote ${id} go`);
    await say("alice", "ship R-1");
    await say("oscar", "rollback R-1 error rate 5x");
    const line = "payments production is locked after the rollback of R-1 by oscar: error rate 5x";
    expect(text(await say("bob", "locks"))).toContain(`• 🔒 ${line} (locked now)\n`);
    expect(text(await say("alice", "ship R-2"))).toContain(`R-2 cannot ship: ${line}.`);
  });
});

describe("the audit timeline", () => {
  it("says when a freeze held a release in the channel's zone, whether at T-0 or at its turn in the queue, and who queued it", async () => {
    await setup("Europe/Berlin");
    await say("alice", "create payments 1.4.2");
    await say("bob", "create payments 1.4.3");
    await say("erin", "create search 2.0.0 at in 30m");
    for (const id of ["R-1", "R-2", "R-3"]) for (const voter of ["carol", "dave"]) await say(voter, `vote ${id} go`);
    await say("alice", "ship R-1");
    expect(text(await say("bob", "ship R-2"))).toContain("queued behind R-1");
    // 09:05 UTC is 10:05 in Berlin; the freeze ends at 12:05 Berlin time.
    core.clock.advance(5 * MIN);
    await say("rel", "freeze add now until in 2h reason incident 42");
    await advance(25 * MIN);
    await say("alice", "shipped R-1");
    await advance(0);

    const timeline = async (id: string) => text(await say("anyone", `audit ${id}`));
    expect(await timeline("R-3")).toContain("gonogo held by freeze 'incident 42' (until Tue 15 Jan 12:05)");
    expect(await timeline("R-2")).toContain("gonogo held by freeze 'incident 42' (until Tue 15 Jan 12:05)");
    expect(await timeline("R-2")).not.toContain("T-0");
    // Who did what reads as a sentence after the actor's name.
    expect(await timeline("R-2")).toContain("bob queued it behind R-1 (payments production busy)");
    expect(await timeline("R-2")).toContain("dave brought the decision to GO");
    // The web page has no zone heading: there the time says it is UTC.
    const web = await core.bot.webRead({ kind: "web_release", scope: { kind: "workspace", platform: "terminal", scope: "local" }, id: "R-3" });
    expect(web!.timeline.map((e) => e.text)).toContain("held by freeze 'incident 42' (until Tue 15 Jan 2030 11:05 (UTC))");
  });
});

describe("a version change in the timeline", () => {
  it("says which criteria it set back to pending, as the card and the reply do", async () => {
    await setup();
    await say("admin", "criteria set tests:qa, changelog");
    await say("alice", "create payments 1.4.2");
    await say("quinn", "check R-1 tests pass");
    await say("carol", "vote R-1 go");
    await say("alice", "update R-1 version 1.4.3");
    expect(text(await say("anyone", "audit R-1"))).toContain("alice changed version from 1.4.2 to 1.4.3; 1 vote cleared; criteria back to pending: tests");
    // A release created without a description gets its first one: set, not changed from null.
    await say("alice", "update R-1 desc fixes the login bug");
    expect(text(await say("anyone", "audit R-1"))).toContain("alice set description to fixes the login bug; no votes cleared");
  });
});

describe("the web view with the guardrails", () => {
  const terminal = { kind: "workspace", platform: "terminal", scope: "local" } as const;

  it("shows a release's readiness criteria, the lock that holds it and the freeze over its T-0", async () => {
    await setup();
    await say("admin", "criteria set tests:qa, changelog");
    await say("alice", "create payments 1.4.2");
    await say("alice", "create payments 1.4.3 at in 1h");
    await say("quinn", "check R-1 tests pass");
    for (const voter of ["carol", "dave"]) await say(voter, "vote R-1 go");
    await say("alice", "check R-1 changelog pass");
    await say("quinn", "check R-2 tests fail login flow broken https://ci.example.com/run/812");
    await say("alice", "ship R-1");
    await say("oscar", "rollback R-1 error rate 5x");
    await say("rel", "freeze add now until in 2h reason incident 42");

    const page = (await core.bot.webRead({ kind: "web_release", scope: terminal, id: "R-2" }))!;
    expect(page.criteria).toMatchObject([
      { name: "tests", status: "failed", byName: "quinn", note: "login flow broken", url: "https://ci.example.com/run/812" },
      { name: "changelog", status: "pending", byName: null },
    ]);
    expect(page.locks).toMatchObject([{ label: "payments production", releaseId: "R-1", since: T0 }]);
    expect(page.locks[0]!.reason).toContain("error rate 5x");
    expect(page.freezes).toMatchObject([{ title: "incident 42", from: T0, to: T0 + 120 * MIN }]);

    const calendar = await core.bot.webRead({ kind: "web_calendar", scope: terminal, zone: null, channel: null });
    expect(calendar.days.flatMap((d) => d.releases).find((r) => r.id === "R-2")?.locks).toHaveLength(1);
    expect(calendar.freezesNow.map((f) => f.title)).toEqual(["incident 42"]);
  });

  it("marks T-0 in a release's web timeline, but not the hold at its turn in the queue", async () => {
    await setup();
    await say("alice", "create payments 1.4.2");
    await say("bob", "create payments 1.4.3 at in 30m");
    for (const id of ["R-1", "R-2"]) for (const voter of ["carol", "dave"]) await say(voter, `vote ${id} go`);
    await say("alice", "ship R-1");
    await advance(30 * MIN);
    await say("dave", "vote R-2 no-go migration not tested");
    await say("alice", "shipped R-1");
    await advance(0);
    await say("bob", "schedule R-2 in 1h");
    await say("dave", "vote R-2 go");
    await say("carol", "vote R-2 abstain");
    await advance(60 * MIN);

    const view = (await core.bot.webRead({ kind: "web_release", scope: terminal, id: "R-2" }))!;
    const changes = view.timeline.filter((e) => e.type === "state_changed").map((e) => e.text);
    expect(changes).toEqual([
      "moved it from Voting to On hold: its turn in the queue came without GO (NO-GO: blocked by no-go from dave: migration not tested; also pending: 1 of 2 GO)",
      "T-0: moved it from Voting to On hold: T-0 came without GO (Pending: 1 of 2 GO)",
    ]);
  });
});

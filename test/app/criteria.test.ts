import { afterEach, describe, expect, it } from "vitest";
import { admins, channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import type { Reply } from "../../src/app/views.js";

let core: TestCore;
afterEach(async () => core?.close());

const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const text = (r: Reply) => (r.type === "message" ? r.text : r.type === "form_errors" ? r.text : `form:${r.form.form}`);
const isError = (r: Reply) => r.type === "message" && r.error;
const card = async (id = "R-1") => {
  const r = await say("viewer", `status ${id}`);
  if (r.type !== "message" || !r.cards[0]) throw new Error("no card");
  return r.cards[0];
};
const MINUTE = 60_000;

/** A channel (quorum 1) whose admin named three criteria, qa granted to quinn, and R-1 by mia; a recording chat surface. */
async function setUp(): Promise<ReturnType<typeof createRecordingSurface>> {
  core = createTestCore({ config: { quorum: 1, admins: admins("terminal:admin") } });
  const chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  expect(text(await say("admin", "criteria set tests:qa, rollback-plan:release-manager, changelog"))).toContain("tests, rollback-plan:release-manager, changelog".replace("tests", "tests:qa"));
  await say("admin", "role grant quinn qa");
  await say("mia", "create payments 1.4.2");
  return chat;
}

describe("readiness criteria through the door", () => {
  it("shows the channel's criteria and who ticks each; only admins name them", async () => {
    core = createTestCore({ config: { admins: admins("terminal:admin") } });
    expect(text(await say("anyone", "criteria"))).toContain("names no readiness criteria");
    const refused = await say("mia", "criteria set tests:qa");
    expect(isError(refused)).toBe(true);
    expect(text(refused)).toMatch(/^Only admins may change the channel policy/);
    await say("admin", "criteria set tests:qa, changelog");
    const shown = text(await say("anyone", "criteria"));
    expect(shown).toContain("• tests: ticked by holders of the qa role and admins");
    expect(shown).toContain("• changelog: ticked by the release manager, release-managers and admins");
    expect(text(await say("anyone", "policy"))).toContain("• criteria: tests:qa, changelog");
    const bad = await say("admin", "criteria set Tests!:qa");
    expect(text(bad)).toContain("`Tests!:qa` is not a criterion");
    expect((await core.store.listAudit("R-1")).length).toBe(0);
  });

  it("copies the channel's criteria into a new release, all pending, and keeps GO waiting until each has passed", async () => {
    await setUp();
    const voted = await say("bob", "vote R-1 go");
    expect(text(voted)).toContain("Decision: Pending: criteria open: tests, rollback-plan, changelog");
    const c = await card();
    expect(c.criteria.map((x) => [x.name, x.status])).toEqual([["tests", "pending"], ["rollback-plan", "pending"], ["changelog", "pending"]]);
    expect(c.tickable).toEqual(["tests", "rollback-plan", "changelog"]);
    // The channel's list changing later leaves the open release alone.
    await say("admin", "criteria set none");
    expect((await card()).criteria).toHaveLength(3);

    expect(text(await say("quinn", "check R-1 tests pass https://ci.example/run/7"))).toContain("tests on R-1 is passed ✅. Decision: Pending: criteria open: rollback-plan, changelog");
    await say("admin", "role grant rel release-manager");
    await say("rel", "check R-1 rollback-plan pass runbook reviewed");
    const last = await say("mia", "check R-1 changelog pass");
    expect(text(last)).toContain("Decision: GO");
    const tests = (await card()).criteria[0]!;
    expect(tests).toMatchObject({ status: "passed", byName: "quinn", byCi: false, note: null, url: "https://ci.example/run/7" });
    // Reaching GO by the last criterion counts as the moment of decision.
    expect((await core.store.getRelease("R-1"))!.decidedGoAt).toBe(core.clock.now());
  });

  it("refuses a tick from someone the criterion does not name, naming who may, and writes nothing but the refusal", async () => {
    await setUp();
    const before = await core.store.listCriteria("R-1");
    const byDev = await say("dev", "check R-1 tests pass");
    expect(isError(byDev)).toBe(true);
    expect(text(byDev)).toBe("Only holders of the qa role and admins may tick tests on R-1. Ask an admin to grant you qa: `/release role grant <you> qa`.");
    const byQaOnManagerCriterion = await say("quinn", "check R-1 changelog pass");
    expect(text(byQaOnManagerCriterion)).toBe("Only mia (the release manager), release-managers and admins may tick changelog on R-1.");
    expect(await core.store.listCriteria("R-1")).toEqual(before);
    expect((await core.store.listAudit("R-1")).filter((e) => e.type === "permission_refused").map((e) => e.data.action)).toEqual(["check", "check"]);
    expect(text(await say("quinn", "check R-1 docs pass"))).toBe("R-1 has no criterion `docs`. Its criteria are: tests, rollback-plan, changelog.");
    expect(text(await say("quinn", "check R-1 tests maybe"))).toContain("`maybe` is not pass or fail. Usage: `/release check R-1 tests pass|fail [note or link]`.");
  });

  it("blocks a failed criterion like a no-go, says which and why on the card, then lets it pass", async () => {
    const chat = await setUp();
    await say("bob", "vote R-1 go");
    await say("mia", "check R-1 changelog pass");
    await say("admin", "check R-1 rollback-plan pass");
    const failed = await say("quinn", "check R-1 tests fail login flow broken https://ci.example/run/8");
    expect(text(failed)).toContain("Decision: NO-GO: blocked: tests failed — login flow broken https://ci.example/run/8");
    await core.settle();
    const blocked = chat.latestCard("R-1")!;
    expect(blocked.decision).toBe("no_go");
    expect(blocked.decisionLine).toBe("NO-GO: blocked: tests failed — login flow broken https://ci.example/run/8");
    expect(blocked.criteria[0]).toMatchObject({ status: "failed", note: "login flow broken", url: "https://ci.example/run/8", byName: "quinn" });
    expect(chat.noticeTexts("R-1").join("\n")).toContain("❌ tests failed on R-1 (quinn) — login flow broken https://ci.example/run/8");
    // A second note on the failed criterion updates the card; the thread heard of the failure once.
    await say("quinn", "check R-1 tests fail still broken after rc1");
    await core.settle();
    expect(chat.noticeTexts("R-1").filter((t) => t.startsWith("❌ tests failed"))).toHaveLength(1);
    // It cannot ship while failed.
    const ship = await say("mia", "ship R-1");
    expect(text(ship)).toContain("R-1 is not GO yet. Decision: NO-GO: blocked: tests failed");

    core.clock.advance(5 * MINUTE);
    expect(text(await say("quinn", "check R-1 tests pass fixed in 1.4.2-rc2"))).toContain("Decision: GO");
    await core.settle();
    expect(chat.latestCard("R-1")!.decision).toBe("go");
    // The thread that heard it blocks hears the block lifted.
    expect(chat.noticeTexts("R-1")).toContain("✅ tests passed again on R-1 (quinn) — fixed in 1.4.2-rc2; it no longer blocks. Decision: GO.");
    const ticks = (await core.store.listAudit("R-1")).filter((e) => e.type === "criterion_ticked").map((e) => [e.data.criterion, e.data.before, e.data.after, e.data.source]);
    expect(ticks).toEqual([
      ["changelog", "pending", "passed", "person"],
      ["rollback-plan", "pending", "passed", "person"],
      ["tests", "pending", "failed", "person"],
      ["tests", "failed", "failed", "person"],
      ["tests", "failed", "passed", "person"],
    ]);
    expect(text(await say("mia", "ship R-1"))).toContain("R-1 is shipping");
  });

  it("holds a release at T-0 while a criterion has failed, and counts it in the stats", async () => {
    await setUp();
    await say("mia", "schedule R-1 in 30m");
    await say("bob", "vote R-1 go");
    await say("quinn", "check R-1 tests fail 3 flaky specs");
    core.clock.advance(31 * MINUTE);
    await core.bot.runDueJobs();
    const held = (await core.store.getRelease("R-1"))!;
    expect(held.state).toBe("held");
    expect(held.stateReason).toContain("blocked: tests failed — 3 flaky specs");
    expect(text(await say("viewer", "stats"))).toContain("1 held by failed criteria");
    const report = await core.bot.stats({ service: null, days: 30 });
    expect(report.guardrails.heldByFailedCriteria).toBe(1);
  });

  it("sets every criterion back to pending when the version changes, like the votes", async () => {
    await setUp();
    await say("bob", "vote R-1 go");
    await say("quinn", "check R-1 tests pass");
    await say("mia", "check R-1 changelog fail missing");
    const updated = await say("mia", "update R-1 version 1.4.3");
    expect(text(updated)).toContain("Criteria back to pending: tests, changelog.");
    const c = await card();
    expect(c.criteria.map((x) => x.status)).toEqual(["pending", "pending", "pending"]);
    expect(c.criteria[0]!.byName).toBeNull();
    expect(c.notes.join("\n")).toContain("Criteria back to pending: tests, changelog.");
    const changed = (await core.store.listAudit("R-1")).find((e) => e.type === "content_changed")!;
    expect(changed.data.criteriaReset).toEqual(["tests", "changelog"]);
    // A description change leaves them alone.
    await say("quinn", "check R-1 tests pass");
    await say("mia", "update R-1 desc https://git.example/compare");
    expect((await card()).criteria[0]!.status).toBe("passed");
  });

  it("refuses a tick from a form opened before the version changed; a description change keeps it", async () => {
    await setUp();
    const open = async () => {
      const r = await core.bot.handle({ kind: "button", actor: person("quinn"), channel, releaseId: "R-1", action: "check", option: "tests:pass" });
      if (r.type !== "form") throw new Error(text(r));
      return r.form.tag ?? null;
    };
    const submit = (tag: string | null) => core.bot.handle({ kind: "form", actor: person("quinn"), channel, form: "check", releaseId: "R-1", values: { note: "https://ci.example/run/41" }, tag });
    const before = await open();
    await say("mia", "update R-1 version 1.4.3");
    expect(text(await submit(before))).toBe(
      "R-1 changed while this form was open (it is payments 1.4.3 now, and its criteria are pending again), so your pass of tests was not recorded. Look at the card and press its button again if it still applies.",
    );
    expect((await card()).criteria[0]!.status).toBe("pending");
    const after = await open();
    await say("mia", "update R-1 desc https://git.example/compare");
    expect(text(await submit(after))).toContain("tests on R-1 is passed");
    expect((await card()).criteria[0]!.status).toBe("passed");
  });

  it("refuses ticks once the release is no longer being decided", async () => {
    await setUp();
    await say("bob", "vote R-1 go");
    for (const [who, name] of [["quinn", "tests"], ["admin", "rollback-plan"], ["mia", "changelog"]] as const) await say(who, `check R-1 ${name} pass`);
    await say("mia", "ship R-1");
    expect(text(await say("quinn", "check R-1 tests fail late"))).toBe("R-1 is shipping; its criteria can no longer change.");
    // Said first to anyone: it is why nothing can be ticked, whoever asks.
    expect(text(await say("bob", "check R-1 tests fail late"))).toBe("R-1 is shipping; its criteria can no longer change.");
  });
});

describe("a criterion CI reports", () => {
  it("cannot be ticked by hand; a plain user's override is refused; an admin overrides with a reason, on the card and in the audit", async () => {
    const chat = await setUp();
    const hook = await core.bot.handleHook({ kind: "check", signature: "sig-1", report: { release: "R-1", check: "tests", status: "failed", url: "https://ci.example/run/9" } });
    expect(hook).toMatchObject({ status: 200, body: { ok: true, release: "R-1", check: "tests", status: "failed", decision: "no_go" } });

    const byHand = await say("quinn", "check R-1 tests pass it works on my machine");
    expect(isError(byHand)).toBe(true);
    expect(text(byHand)).toBe("CI reports tests on R-1, so it is not ticked by hand. An admin may override it with a reason: `/release check R-1 tests pass|fail override <reason>`.");
    const plainOverride = await say("quinn", "check R-1 tests pass override runner is down");
    expect(text(plainOverride)).toBe("Only an admin may override what CI reported for tests on R-1.");
    // Someone who may not tick tests at all hears the same: the override is an admin's, whatever role ticks it.
    expect(text(await say("mia", "check R-1 tests pass override runner is down"))).toBe("Only an admin may override what CI reported for tests on R-1.");
    expect(text(await say("admin", "check R-1 tests pass override"))).toContain("An override needs a reason");
    // The timeline says why each was refused: quinn holds qa and may tick tests, only not a criterion CI reports.
    const timeline = text(await say("bob", "audit R-1"));
    expect(timeline).toContain("quinn was refused: tests is reported by CI, not ticked by hand");
    expect(timeline).toContain("mia was refused: only an admin may override what CI reported for tests");
    expect(timeline).not.toContain("may not tick readiness criteria");
    expect((await core.store.listCriteria("R-1"))[0]).toMatchObject({ status: "failed", source: "ci", url: "https://ci.example/run/9" });

    const overridden = await say("admin", "check R-1 tests pass override runner down; suite green locally https://ci.example/run/10");
    expect(text(overridden)).toContain("tests on R-1 is passed ✅ (override)");
    await core.settle();
    const line = chat.latestCard("R-1")!.criteria[0]!;
    expect(line).toMatchObject({ status: "passed", byName: "admin", overridden: true, note: "runner down; suite green locally", url: "https://ci.example/run/10" });
    expect(chat.noticeTexts("R-1").join("\n")).toContain("admin (admin) overrode CI on tests for R-1: now passed ✅. Reason: runner down; suite green locally https://ci.example/run/10");
    const events = (await core.store.listAudit("R-1")).filter((e) => e.type.startsWith("criterion_")).map((e) => [e.type, e.actor, e.data.criterion, e.data.after]);
    expect(events).toEqual([
      ["criterion_ticked", "gonogo:pipeline", "tests", "failed"],
      ["criterion_overridden", "terminal:admin", "tests", "passed"],
    ]);
    // CI keeps the criterion: a later report wins again, and hand ticks still need an override.
    await core.bot.handleHook({ kind: "check", signature: "sig-2", report: { release: "R-1", check: "tests", status: "passed", url: "https://ci.example/run/11" } });
    expect((await core.store.listCriteria("R-1"))[0]).toMatchObject({ status: "passed", source: "ci", setByName: "the pipeline" });
    expect(text(await say("quinn", "check R-1 tests fail"))).toContain("CI reports tests on R-1");
  });

  it("finds the release by service and version, answers 404 for none and 422 naming the known criteria", async () => {
    await setUp();
    const byVersion = await core.bot.handleHook({ kind: "check", signature: "s1", report: { service: "payments", version: "1.4.2", check: "changelog", status: "passed" } });
    expect(byVersion).toMatchObject({ status: 200, body: { release: "R-1", status: "passed" } });
    const none = await core.bot.handleHook({ kind: "check", signature: "s2", report: { release: "R-9", check: "tests", status: "passed" } });
    expect(none.status).toBe(404);
    const unknown = await core.bot.handleHook({ kind: "check", signature: "s3", report: { release: "R-1", check: "lint", status: "passed" } });
    expect(unknown).toEqual({ status: 422, body: { error: 'R-1 has no criterion "lint"; its criteria are: tests, rollback-plan, changelog', release: "R-1", known: ["tests", "rollback-plan", "changelog"] } });
    // A replayed report (same id, same report, its fields in any order) changes nothing.
    const replay = await core.bot.handleHook({ kind: "check", signature: "s1", report: { status: "passed", check: "changelog", version: "1.4.2", service: "payments" } });
    expect(replay).toMatchObject({ status: 200, body: { duplicate: true } });
    // Another report under an id already used is refused, not silently dropped as a replay.
    const reused = await core.bot.handleHook({ kind: "check", signature: "s1", report: { service: "payments", version: "1.4.2", check: "changelog", status: "failed" } });
    expect(reused).toMatchObject({ status: 409, body: { error: expect.stringContaining("this webhook-id came with a different report before") } });
    expect((await core.store.listCriteria("R-1"))[2]!.status).toBe("passed");
  });
});

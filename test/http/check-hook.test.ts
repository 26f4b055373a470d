import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { admins, channel, createTestCore, person } from "../helpers/core.js";
import { HOOK_SECRET, startHookServer } from "../helpers/faults-hooks.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";

let hooks: Awaited<ReturnType<typeof startHookServer>>;
const say = (who: string, text: string) => hooks.core.bot.handle({ kind: "command", actor: person(who), channel, text });
const post = (payload: unknown, opts: Parameters<typeof hooks.post>[2] = {}) => hooks.post("check", typeof payload === "string" ? payload : JSON.stringify(payload), opts);

beforeEach(async () => {
  hooks = await startHookServer(createTestCore({ config: { webhookSecret: HOOK_SECRET, quorum: 1, admins: admins("terminal:admin") } }));
  await say("admin", "criteria set tests:qa, changelog");
  await say("mia", "create payments 1.4.2");
});
afterEach(async () => hooks.close());

describe("POST /hooks/check (a readiness criterion from CI)", () => {
  it("records a signed report on the release, with its link, and the decision follows", async () => {
    await say("bob", "vote R-1 go");
    await say("mia", "check R-1 changelog pass");
    const r = await post({ release: "R-1", check: "tests", status: "passed", url: "https://ci.example/run/42" });
    expect(r).toEqual({ status: 200, body: { ok: true, release: "R-1", check: "tests", status: "passed", decision: "go" } });
    expect((await hooks.core.store.listCriteria("R-1"))[0]).toMatchObject({ status: "passed", source: "ci", url: "https://ci.example/run/42", ciOwned: true, setByName: "the pipeline" });
  });

  it("reads the criterion's name in any case, as chat does (criteria set Tests names tests)", async () => {
    const r = await post({ release: "R-1", check: "Tests", status: "passed" });
    expect(r).toMatchObject({ status: 200, body: { ok: true, check: "tests", status: "passed" } });
  });

  it("refuses a bad signature with 401 and changes nothing", async () => {
    const r = await post({ release: "R-1", check: "tests", status: "failed" }, { secret: "not-the-secret" });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: expect.stringContaining("webhook-signature does not match") });
    expect((await hooks.core.store.listCriteria("R-1"))[0]!.status).toBe("pending");
    // Stale: signed 6 minutes ago by the fake clock's reckoning.
    const stale = await post({ release: "R-1", check: "tests", status: "failed" }, { ts: Math.floor(hooks.core.clock.now() / 1000) - 360 });
    expect(stale.status).toBe(401);
  });

  it("answers 404 for an unknown release, by id or by service and version", async () => {
    expect(await post({ release: "R-9", check: "tests", status: "passed" })).toEqual({ status: 404, body: { error: "no release R-9; create it with /release create first" } });
    expect((await post({ service: "payments", version: "9.9.9", check: "tests", status: "passed" })).status).toBe(404);
  });

  it("answers 422 for an unknown criterion with the list of known ones", async () => {
    const r = await post({ release: "R-1", check: "lint", status: "passed" });
    expect(r).toEqual({ status: 422, body: { error: 'R-1 has no criterion "lint"; its criteria are: tests, changelog', release: "R-1", known: ["tests", "changelog"] } });
  });

  it("refuses a malformed body with 400 naming each problem: a non-http link, an unknown status, a missing check, extra fields", async () => {
    const r = await post({ release: "R-1", check: "tests", status: "green", url: "javascript:alert(1)", extra: true });
    expect(r.status).toBe(400);
    const issues = (r.body as { issues: string[] }).issues.join("\n");
    expect(issues).toMatch(/status:/);
    expect(issues).toMatch(/url:/);
    expect(issues).toMatch(/extra/);
    expect((await post({ release: "R-1", status: "passed" })).status).toBe(400);
    expect((await post({ check: "tests", status: "passed" })).body).toMatchObject({ issues: [expect.stringContaining("give `release` (R-12) or both `service` and `version`")] });
    expect((await post("not json")).status).toBe(400);
  });

  it("tells the card's thread when CI fails a criterion, and again when a later run lifts the block", async () => {
    const chat = createRecordingSurface();
    hooks.core.bot.attachSurface(chat.surface);
    // A release created with the surface attached, so its card (and thread) is posted.
    await say("mia", "create search 2.0.0");
    await say("bob", "vote R-2 go");
    await say("mia", "check R-2 changelog pass");
    await post({ release: "R-2", check: "tests", status: "failed", summary: "3 failures" });
    expect((await post({ release: "R-2", check: "tests", status: "passed" })).body).toMatchObject({ decision: "go" });
    await hooks.core.bot.idle();
    const thread = chat.noticeTexts("R-2");
    expect(thread.find((t) => t.startsWith("❌ CI:"))).toContain("tests failed on R-2 — 3 failures. It blocks the release until it passes.");
    expect(thread.find((t) => t.startsWith("✅ CI:"))).toBe("✅ CI: tests passed again on R-2; it no longer blocks. Decision: GO.");
  });

  it("answers 409 once the release is no longer being decided", async () => {
    await say("bob", "vote R-1 go");
    await post({ release: "R-1", check: "tests", status: "passed" });
    await say("mia", "check R-1 changelog pass");
    await say("mia", "ship R-1");
    const r = await post({ release: "R-1", check: "tests", status: "failed" });
    expect(r).toMatchObject({ status: 409, body: { error: "R-1 is shipping; its criteria can no longer change" } });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, T0, type TestCore } from "../helpers/core.js";
import { audit, SCHEDULER, type Ctx } from "../../src/app/context.js";
import type { CardSync } from "../../src/app/card-sync.js";
import { createEffectRunner } from "../../src/app/effect-runner.js";
import { createReleaseChanges } from "../../src/app/release-changes.js";
import { noTelemetry, type Telemetry } from "../../src/app/ports.js";
import type { Reply } from "../../src/app/views.js";

let core: TestCore;
afterEach(async () => core?.close());
const say = async (who: string, text: string) => textOf(await core.bot.handle({ kind: "command", actor: person(who), channel, text }));
const textOf = (r: Reply) => (r.type === "message" ? r.text : "");

/** What `audit()` accepts as its event. */
const event = (e: Parameters<typeof audit>[4]) => e;

describe("audit event types", () => {
  it("does not compile an event whose data does not fit its type (checked by `npm run typecheck`)", () => {
    // Each marked line must be a compile error: if one compiled, tsc would report the unused marker.
    // @ts-expect-error a vote records its choice and reason as a snapshot, not a bare word
    event({ type: "vote_cast", data: { before: null, after: "go", roles: [] } });
    // @ts-expect-error a state change is between release states
    event({ type: "state_changed", data: { from: "voting", to: "launched" } });
    // @ts-expect-error there is no such event type
    event({ type: "vote_casted", data: { before: null, after: { choice: "go", reason: null }, roles: [] } });
    // @ts-expect-error a webhook outcome says which webhook
    event({ type: "webhook_failed", data: { status: 500, error: "HTTP 500", attempts: 4 } });
    // @ts-expect-error the first GO carries no data
    event({ type: "decision_go", data: { goCount: 2 } });
    // @ts-expect-error the data of one type does not pass for another
    event({ type: "role_granted", data: { url: null } });
    expect(event({ type: "role_granted", data: { subject: "terminal:dana", role: "qa" } }).type).toBe("role_granted");
  });

  it("shows an event type this version does not know (written by another version) in the timeline, with its data", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2");
    await core.store.appendAudit({ releaseId: "R-1", at: T0 + 60_000, actor: "terminal:bob", platform: "terminal", type: "release_archived", data: { shelf: "cold", actorName: "bob" } });
    const timeline = await say("dave", "audit R-1");
    expect(timeline).toContain('bob release archived {"shelf":"cold"}');
  });

  it("puts every event of a release's timeline into words, with times in the channel's zone: no raw data", async () => {
    core = createTestCore();
    await say("admin", "policy set timezone=Europe/Berlin");
    await say("alice", "create payments 1.4.2");
    await say("alice", "schedule R-1 at 2030-01-15 18:00");
    const at = T0 + 60_000;
    const append = (type: string, data: Record<string, unknown>, actor = "terminal:alice") =>
      core.store.appendAudit({ releaseId: "R-1", at, actor, platform: "terminal", type, data });
    await append("reminders_missed", { offsets: [60, 15], actorName: "gonogo" }, "system:scheduler");
    await append("retro_opened", { actorName: "gonogo" }, "system:scheduler");
    await append("deploy_started", { url: "https://ci.example/run/7", actorName: "the pipeline" }, "system:pipeline");
    await append("deploy_failed", { url: null, actorName: "the pipeline" }, "system:pipeline");
    await append("alert_received", { severity: "critical", summary: "error rate 12%", link: null, actorName: "monitoring" }, "system:monitoring");
    const timeline = await say("dave", "audit R-1");
    expect(timeline).toContain("alice scheduled T-0 for Tue 15 Jan 18:00");
    expect(timeline).toContain("skipped the T-1h, T-15m reminders: due while gonogo was not running");
    expect(timeline).toContain("opened the retrospective");
    expect(timeline).toContain("the pipeline reported the deploy started (https://ci.example/run/7)");
    expect(timeline).toContain("the pipeline reported the deploy FAILED");
    expect(timeline).toContain("monitoring sent a critical alert: error rate 12%");
    expect(timeline).not.toMatch(/[{}]/);
  });

  it("says what a policy change, a role and a freeze window changed", async () => {
    const { describeEvent } = await import("../../src/app/use-cases/audit.js");
    const { DEFAULT_POLICY } = await import("../../src/domain/policy.js");
    const line = (type: string, data: Record<string, unknown>) => describeEvent({ releaseId: null, at: T0, actor: "terminal:admin", platform: "terminal", type, data });
    expect(line("policy_changed", { channel: channel.key, before: DEFAULT_POLICY, changes: { quorum: 3, veto: false, require: ["qa", "sre"] } })).toBe(
      `changed the channel's policy: quorum ${DEFAULT_POLICY.quorum} → 3, require none → qa,sre, veto on → off`,
    );
    expect(line("role_granted", { subject: "slack:T1:U42", role: "qa" })).toBe("granted qa to U42");
    expect(line("role_revoked", { subject: "discord-role:G1:777", role: "sre" })).toBe("revoked sre from 777");
    expect(line("freeze_added", { freeze: "F-2", channel: channel.key, window: "weekly Fri 16:00 → Mon 09:00", reason: "weekend" })).toBe("added freeze F-2 (weekly Fri 16:00 → Mon 09:00) (weekend)");
    expect(line("freeze_removed", { freeze: "F-2", channel: channel.key, window: "weekly Fri 16:00 → Mon 09:00", reason: null })).toBe("removed freeze F-2 (weekly Fri 16:00 → Mon 09:00)");
  });

  it("still shows the timeline when a row's data lacks what its type promises (edited behind gonogo's back)", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2");
    await core.store.appendAudit({ releaseId: "R-1", at: T0 + 60_000, actor: "terminal:alice", platform: "terminal", type: "rescheduled", data: { to: "soon", actorName: "alice" } });
    const timeline = await say("dave", "audit R-1");
    expect(timeline).toContain("alice created payments 1.4.2 → production");
    expect(timeline).toContain('alice rescheduled {"to":"soon"}');
  });

  it("counts votes, rollbacks, webhook outcomes and decisions acted on from the events a use case wrote", async () => {
    core = createTestCore();
    const counted: string[] = [];
    const telemetry: Telemetry = {
      ...noTelemetry,
      voteCast: (platform) => counted.push(`vote ${platform}`),
      rollback: () => counted.push("rollback"),
      webhook: (kind, outcome) => counted.push(`webhook ${kind} ${outcome}`),
      decision: (outcome) => counted.push(`decision ${outcome}`),
    };
    const runner = createEffectRunner({ cards: {} as CardSync, telemetry, wake: () => {}, changes: createReleaseChanges({ onListenerError: () => {}, timer: core.clock.timer }) });
    const bob = person("bob");
    const ctx = await core.store.transaction(async (tx) => {
      const ctx: Ctx = { store: tx, clock: core.clock, config: core.config, log: { info() {}, warn() {}, error() {} }, effects: [], audited: [] };
      const vote = { before: null, after: { choice: "go" as const, reason: null }, roles: [] };
      await audit(ctx, bob, "slack", "R-1", { type: "vote_cast", data: vote });
      await audit(ctx, bob, "discord", "R-1", { type: "vote_changed", data: vote });
      await audit(ctx, bob, "slack", "R-1", { type: "vote_retracted", data: { before: vote.after } });
      await audit(ctx, bob, "slack", "R-1", { type: "rollback_requested", data: { from: "shipped", reason: "errors", webhook: true } });
      await audit(ctx, SCHEDULER, "webhook", "R-1", { type: "webhook_delivered", data: { kind: "deploy", status: 200, attempts: 1 } });
      await audit(ctx, SCHEDULER, "webhook", "R-1", { type: "webhook_attempt_failed", data: { kind: "rollback", status: 503, error: "HTTP 503", attempts: 1 } });
      await audit(ctx, SCHEDULER, "webhook", "R-1", { type: "webhook_failed", data: { kind: "rollback", status: null, error: "ECONNREFUSED", attempts: 4 } });
      await audit(ctx, bob, "slack", "R-1", { type: "state_changed", data: { from: "voting", to: "shipping", by: bob.id } });
      await audit(ctx, SCHEDULER, "scheduler", "R-1", { type: "state_changed", data: { from: "voting", to: "held", reason: "T-0 came without GO" } });
      await audit(ctx, SCHEDULER, "scheduler", "R-1", { type: "state_changed", data: { from: "voting", to: "cancelled", reason: "T-0 came without GO" } });
      // A person holding or cancelling is not a decision acted on: only T-0's are.
      await audit(ctx, bob, "slack", "R-1", { type: "state_changed", data: { from: "voting", to: "held", reason: "waiting for the freeze", by: bob.id } });
      return ctx;
    });
    runner.afterCommit(ctx);
    expect(counted).toEqual([
      "vote slack",
      "vote discord",
      "rollback",
      "webhook deploy delivered",
      "webhook rollback retry",
      "webhook rollback failed",
      "decision go",
      "decision hold",
      "decision cancel",
    ]);
    // What was stored is the type plus its data and the actor's name, as older versions wrote it.
    expect((await core.store.listAudit("R-1"))[0]).toMatchObject({ type: "vote_cast", platform: "slack", data: { before: null, after: { choice: "go", reason: null }, roles: [], actorName: "bob" } });
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { PassThrough } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startGonogo, type RunningGonogo } from "../../src/program.js";
import { signPayload } from "../../src/app/webhooks.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { channel, person } from "../helpers/core.js";

const SECRET = "hook-secret-0123456789abcdef";
const API_TOKEN = "api-token-0123456789abcdef";
let dir: string;
let app: RunningGonogo;
let base: string;
let chat: ReturnType<typeof createRecordingSurface>;
let logs: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "gonogo-http-"));
  logs = [];
  const config = loadConfig({ DATABASE_PATH: join(dir, "g.db"), PORT: "0", HOST: "127.0.0.1", GONOGO_TERMINAL: "off", WEBHOOK_SECRET: SECRET, GONOGO_API_TOKEN: API_TOKEN, GONOGO_ADMINS: "terminal:admin", LOG_LEVEL: "info" });
  app = await startGonogo(config, { stdin: new PassThrough(), stdout: new PassThrough(), writeLog: (l) => logs.push(l), portExplicit: true, logLevelExplicit: true });
  base = `http://127.0.0.1:${app.port}`;
  chat = createRecordingSurface("terminal");
  app.bot.attachSurface(chat.surface);
});
afterEach(async () => {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

const say = (who: string, text: string) => app.bot.handle({ kind: "command", actor: person(who), channel, text });

function signed(body: string, ts = Math.floor(Date.now() / 1000)) {
  return { "content-type": "application/json", "x-gonogo-timestamp": String(ts), "x-gonogo-signature": signPayload(SECRET, ts, body) };
}

async function post(path: string, payload: unknown, headers?: Record<string, string>) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const res = await fetch(`${base}${path}`, { method: "POST", body, headers: headers ?? signed(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function shipping() {
  await say("alice", "create payments 1.4.2");
  await say("bob", "vote R-1 go");
  await say("carol", "vote R-1 go");
  await say("alice", "ship R-1");
  await say("admin", "role grant oscar oncall");
}

describe("POST /hooks/deploy", () => {
  it("moves a shipping release to shipped when the pipeline reports success", async () => {
    await shipping();
    const r = await post("/hooks/deploy", { service: "payments", version: "1.4.2", status: "succeeded", url: "https://ci.example.com/run/42" });
    expect(r).toEqual({ status: 200, json: { ok: true, release: "R-1", state: "shipped" } });
    await app.bot.idle();
    expect(chat.latestCard("R-1")?.notes.join(" ")).toContain("Pipeline: deploy succeeded (https://ci.example.com/run/42)");
  });

  it("rejects unsigned, forged, stale and future-dated hooks with 401 and changes nothing", async () => {
    await shipping();
    const body = JSON.stringify({ release: "R-1", status: "succeeded" });
    const now = Math.floor(Date.now() / 1000);
    const attempts = [
      { "content-type": "application/json" },
      { ...signed(body), "x-gonogo-signature": signPayload("wrong-secret", now, body) },
      // Clear of the 5-minute window, so a second ticking over mid-test cannot flip the result.
      signed(body, now - 330),
      signed(body, now + 330),
    ];
    for (const headers of attempts) expect((await post("/hooks/deploy", body, headers)).status).toBe(401);
    expect(app.store.getRelease("R-1")?.state).toBe("shipping");
  });

  it("answers a replayed hook without applying it twice", async () => {
    await shipping();
    const body = JSON.stringify({ release: "R-1", status: "failed" });
    const headers = signed(body);
    expect((await post("/hooks/deploy", body, headers)).status).toBe(200);
    const replay = await post("/hooks/deploy", body, headers);
    expect(replay).toEqual({ status: 200, json: { ok: true, duplicate: true } });
    expect(app.store.listAudit("R-1").filter((e) => e.type === "deploy_failed")).toHaveLength(1);
  });

  it("says what is wrong with malformed, invalid, unknown and conflicting reports", async () => {
    await shipping();
    expect(await post("/hooks/deploy", "{not json")).toMatchObject({ status: 400, json: { error: "body is not JSON" } });
    const invalid = await post("/hooks/deploy", { release: "R-1", status: "exploded" });
    expect(invalid.status).toBe(400);
    expect(String(invalid.json.issues)).toContain("status");
    expect(await post("/hooks/deploy", { status: "succeeded" })).toMatchObject({ status: 400 });
    expect(await post("/hooks/deploy", { release: "R-9", status: "succeeded" })).toMatchObject({ status: 404, json: { error: expect.stringContaining("no release R-9") } });
    await say("dana", "create search 2.0.0");
    expect(await post("/hooks/deploy", { release: "R-2", status: "succeeded" })).toMatchObject({ status: 409, json: { error: expect.stringContaining("R-2 is voting") } });
    expect(app.store.getRelease("R-2")?.state).toBe("voting");
  });

  it("marks a failed deploy on the card and offers on-call a rollback", async () => {
    await shipping();
    await post("/hooks/deploy", { release: "R-1", status: "failed", url: "https://ci.example.com/run/43" });
    await app.bot.idle();
    expect(chat.latestCard("R-1")?.notes.join(" ")).toContain("Pipeline: deploy FAILED (https://ci.example.com/run/43)");
    const n = chat.notices.at(-1)!.notice;
    expect(n.text).toContain("The deploy of R-1 (payments 1.4.2) failed");
    expect(n.buttons.map((b) => b.action)).toEqual(["rollback"]);
    expect(n.mention).toEqual(expect.arrayContaining(["terminal:alice", "terminal:oscar"]));
  });
});

describe("POST /hooks/alert", () => {
  it("posts the alert under the live release, and a rollback then a rolled_back report record the time to restore", async () => {
    await shipping();
    await post("/hooks/deploy", { release: "R-1", status: "succeeded" });
    const alert = await post("/hooks/alert", { service: "payments", summary: "error rate 5x", severity: "critical", link: "https://grafana.example.com/d/1" });
    expect(alert).toEqual({ status: 200, json: { ok: true, release: "R-1", rolledBack: false } });
    await app.bot.idle();
    const n = chat.notices.at(-1)!.notice;
    expect(n.text).toContain("critical alert for payments: error rate 5x. https://grafana.example.com/d/1");
    expect(n.buttons.map((b) => b.action)).toEqual(["rollback"]);
    expect(n.mention).toContain("terminal:oscar");

    const form = await app.bot.handle({ kind: "button", actor: person("oscar"), channel, releaseId: "R-1", action: "rollback" });
    expect(form.type).toBe("form");
    await app.bot.handle({ kind: "form", actor: person("oscar"), channel, form: "rollback", releaseId: "R-1", values: { reason: "alert: error rate 5x" } });
    const restored = await post("/hooks/deploy", { release: "R-1", status: "rolled_back" });
    expect(restored).toEqual({ status: 200, json: { ok: true, release: "R-1", state: "rolled_back" } });
    const release = app.store.getRelease("R-1")!;
    expect(release.recoveredAt).not.toBeNull();
    expect(app.store.listAudit("R-1").find((e) => e.type === "state_changed" && e.data.to === "rolled_back")?.data.timeToRestoreMs).toBe(release.recoveredAt! - release.rollbackRequestedAt!);
  });

  it("rolls back by itself only when the channel's policy says so for that severity", async () => {
    await shipping();
    await say("admin", "policy set auto_rollback=critical");
    expect(await post("/hooks/alert", { service: "payments", summary: "p99 latency 3s", severity: "warning" })).toMatchObject({ json: { rolledBack: false } });
    expect(app.store.getRelease("R-1")?.state).toBe("shipping");
    expect(await post("/hooks/alert", { service: "payments", summary: "checkout down", severity: "critical" })).toMatchObject({ json: { rolledBack: true } });
    expect(app.store.getRelease("R-1")).toMatchObject({ state: "rolling_back", stateReason: "rollback by monitoring: automatic on critical alert: checkout down" });
  });

  it("answers 404 when the service has no live release", async () => {
    expect(await post("/hooks/alert", { service: "ghost", summary: "x", severity: "info" })).toMatchObject({ status: 404, json: { error: "no live (shipping or shipped) release of ghost" } });
  });
});

describe("operations endpoints", () => {
  it("serves health, readiness, Prometheus metrics after a scenario, and stats behind a bearer token", async () => {
    await shipping();
    // Voting is closed once shipping: this refused vote must not be counted.
    expect(await say("dave", "vote R-1 go")).toMatchObject({ error: true });
    await post("/hooks/deploy", { release: "R-1", status: "succeeded" });
    await say("oscar", "rollback R-1 bad");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: true } });

    const metrics = await (await fetch(`${base}/metrics`)).text();
    const value = (line: string) => Number(metrics.split("\n").find((l) => l.startsWith(`${line} `))?.split(" ")[1]);
    expect(value('gonogo_votes_total{platform="terminal"}')).toBe(2);
    expect(value("gonogo_rollbacks_total")).toBe(1);
    expect(value('gonogo_decisions_total{outcome="go"}')).toBe(1);
    expect(value('gonogo_releases{state="rolling_back"}')).toBe(1);
    expect(value('gonogo_releases{state="voting"}')).toBe(0);
    expect(value('gonogo_interaction_seconds_count{kind="command",platform="terminal",outcome="ok"}')).toBe(6);
    expect(value('gonogo_interaction_seconds_count{kind="command",platform="terminal",outcome="user_error"}')).toBe(1);
    expect(metrics).toContain("gonogo_process_resident_memory_bytes");

    expect((await fetch(`${base}/api/stats`)).status).toBe(401);
    const stats = await fetch(`${base}/api/stats?days=7`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(stats.status).toBe(200);
    expect(await stats.json()).toMatchObject({ window: { days: 7 }, changeFailureRate: { rolledBack: 1 } });
  });

  it("never writes the webhook secret, API token or tokens from library errors to the log", async () => {
    await post("/hooks/deploy", { release: "R-1", status: "succeeded" }, { "x-gonogo-timestamp": "1", "x-gonogo-signature": `v1=${SECRET}` });
    const log = logs.join("");
    expect(log).toContain("rejected an inbound hook");
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(API_TOKEN);
  });
});

import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { PassThrough } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startGonogo, type RunningGonogo } from "../../src/program.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { channel, createTestCore, person } from "../helpers/core.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

/** A Standard Webhooks secret: `whsec_` and the base64 of 33 bytes. */
const SECRET = `whsec_${Buffer.from("gonogo-hooks-test-secret-33-bytes").toString("base64")}`;
const API_TOKEN = "api-token-0123456789abcdef";
let dir: string;
let app: RunningGonogo;
let base: string;
let chat: ReturnType<typeof createRecordingSurface>;
let logs: string[];
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;

async function startApp(env: Record<string, string> = {}) {
  const config = loadConfig({ DATABASE_PATH: join(dir, "g.db"), PORT: "0", HOST: "127.0.0.1", GONOGO_TERMINAL: "off", WEBHOOK_SECRET: SECRET, GONOGO_API_TOKEN: API_TOKEN, GONOGO_ADMINS: "terminal:admin", LOG_LEVEL: "info", ...env });
  app = await startGonogo(config, { stdin: new PassThrough(), stdout: new PassThrough(), writeLog: (l) => logs.push(l), portExplicit: true, logLevelExplicit: true });
  base = `http://127.0.0.1:${app.port}`;
  chat = createRecordingSurface("terminal");
  app.bot.attachSurface(chat.surface);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "gonogo-http-"));
  logs = [];
  await startApp();
});
afterEach(async () => {
  await app.stop();
  await receiver?.close();
  receiver = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const say = (who: string, text: string) => app.bot.handle({ kind: "command", actor: person(who), channel, text });
const nowSec = () => Math.floor(Date.now() / 1000);

/** Headers the `standardwebhooks` library signs with, as a sender using it would send them. */
function signed(body: string, opts: { ts?: number; id?: string; secret?: string } = {}) {
  const id = opts.id ?? `msg_${randomUUID()}`;
  const ts = opts.ts ?? nowSec();
  const signature = new Webhook(opts.secret ?? SECRET).sign(id, new Date(ts * 1000), body);
  return { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signature };
}

/** The deprecated headers, computed as the README told senders before Standard Webhooks. */
function legacySigned(body: string, key: string | Buffer, ts = nowSec()) {
  const signature = `v1=${createHmac("sha256", key).update(`${ts}.${body}`).digest("hex")}`;
  return { "content-type": "application/json", "x-gonogo-timestamp": String(ts), "x-gonogo-signature": signature };
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

  it("lands a deploy report on the shipping release, not on a duplicate of its version created later and still voting", async () => {
    await shipping();
    expect((await say("alice", "create payments 1.4.2")).type).toBe("message");
    const r = await post("/hooks/deploy", { service: "payments", version: "1.4.2", status: "succeeded" });
    expect(r).toEqual({ status: 200, json: { ok: true, release: "R-1", state: "shipped" } });
    expect((await app.store.getRelease("R-2"))?.state).toBe("voting");
  });

  it("refuses unsigned, forged, stale and future-dated hooks with a 401 that says what is wrong, and changes nothing", async () => {
    await shipping();
    const body = JSON.stringify({ release: "R-1", status: "succeeded" });
    const unsigned: Record<string, string> = signed(body);
    delete unsigned["webhook-signature"];
    const otherSecret = `whsec_${Buffer.from("someone-elses-secret-of-33-bytes!").toString("base64")}`;
    const attempts: Array<[Record<string, string>, string | RegExp]> = [
      [{ "content-type": "application/json" }, "missing signature headers: send webhook-id, webhook-timestamp and webhook-signature"],
      [unsigned, "missing webhook-signature header"],
      [signed(body, { secret: otherSecret }), "webhook-signature does not match"],
      [{ ...signed(body), "webhook-signature": "v1a,c2lnbmVkIHdpdGggZWQyNTUxOQ==" }, "webhook-signature has no v1 signature"],
      // Clear of the 5-minute window, so a second ticking over mid-test cannot flip the result.
      [signed(body, { ts: nowSec() - 330 }), /^webhook-timestamp is 3\d\d s old; gonogo accepts 5 minutes either way/],
      [signed(body, { ts: nowSec() + 330 }), /^webhook-timestamp is 3\d\d s in the future/],
      [{ ...signed(body), "webhook-timestamp": "soon" }, "webhook-timestamp must be the time of sending in whole unix seconds"],
      [{ ...legacySigned(body, "wrong-secret") }, "X-Gonogo-Signature does not match"],
    ];
    for (const [headers, error] of attempts) {
      const r = await post("/hooks/deploy", body, headers);
      expect(r.status).toBe(401);
      expect(r.json.error).toMatch(error);
    }
    expect((await app.store.getRelease("R-1"))?.state).toBe("shipping");
  });

  it("answers a replayed webhook-id without applying it twice, even re-signed with a fresh timestamp", async () => {
    await shipping();
    const body = JSON.stringify({ release: "R-1", status: "failed" });
    const headers = signed(body, { id: "msg_deploy_failed_1" });
    expect((await post("/hooks/deploy", body, headers)).status).toBe(200);
    expect(await post("/hooks/deploy", body, headers)).toEqual({ status: 200, json: { ok: true, duplicate: true } });
    // The sender's retry: same webhook-id, its own timestamp and signature.
    expect(await post("/hooks/deploy", body, signed(body, { id: "msg_deploy_failed_1", ts: nowSec() - 60 }))).toEqual({ status: 200, json: { ok: true, duplicate: true } });
    expect((await app.store.listAudit("R-1")).filter((e) => e.type === "deploy_failed")).toHaveLength(1);
  });

  it("refuses a report whose release id and service, version or environment disagree, and applies nothing", async () => {
    await shipping();
    const wrong = await post("/hooks/deploy", { release: "R-1", service: "search", version: "0.0.1", environment: "staging", status: "succeeded" });
    expect(wrong.status).toBe(409);
    expect(wrong.json.error).toBe('R-1 is service payments, not search, version 1.4.2, not 0.0.1, environment production, not staging: the report was not applied. Send the release this run built, or leave out "release" to match by service and version.');
    expect((await app.store.getRelease("R-1"))?.state).toBe("shipping");
    // The same names, spelled as a pipeline may (service and environment are kept in lower case), apply.
    expect((await post("/hooks/deploy", { release: "R-1", service: "Payments", version: "1.4.2", environment: "Production", status: "succeeded" })).status).toBe(200);
  });

  it("lets a refused report be sent again with the same webhook-id once its cause is fixed", async () => {
    await say("alice", "create payments 1.4.2");
    const body = JSON.stringify({ release: "R-1", status: "succeeded" });
    const id = "msg_ci_run_77";
    // R-1 is still voting: the report is refused, and nothing of it is kept.
    expect((await post("/hooks/deploy", body, signed(body, { id }))).status).toBe(409);
    expect((await post("/hooks/deploy", body, signed(body, { id }))).status).toBe(409);
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
    await say("alice", "ship R-1");
    // The CI retries its report as the README says: same webhook-id. It applies now, once.
    expect(await post("/hooks/deploy", body, signed(body, { id }))).toEqual({ status: 200, json: { ok: true, release: "R-1", state: "shipped" } });
    expect(await post("/hooks/deploy", body, signed(body, { id }))).toEqual({ status: 200, json: { ok: true, duplicate: true } });
  });

  it("accepts a webhook-signature that lists several signatures while the sender rotates its secret", async () => {
    await shipping();
    const body = JSON.stringify({ release: "R-1", status: "succeeded" });
    const headers = signed(body);
    const ts = new Date(Number(headers["webhook-timestamp"]) * 1000);
    const old = new Webhook(`whsec_${Buffer.from("the-secret-before-the-rotation!!").toString("base64")}`).sign(headers["webhook-id"], ts, body);
    const rotated = { ...headers, "webhook-signature": `${old} v1a,c2lnbmVkIHdpdGggZWQyNTUxOQ== ${headers["webhook-signature"]}` };
    expect(await post("/hooks/deploy", body, rotated)).toEqual({ status: 200, json: { ok: true, release: "R-1", state: "shipped" } });
  });

  it("still accepts the deprecated X-Gonogo-* headers, keyed with the secret's bytes, and logs that they are deprecated", async () => {
    await shipping();
    const body = JSON.stringify({ release: "R-1", status: "succeeded" });
    const replayed = legacySigned(body, Buffer.from(SECRET.slice("whsec_".length), "base64"));
    expect(await post("/hooks/deploy", body, replayed)).toEqual({ status: 200, json: { ok: true, release: "R-1", state: "shipped" } });
    expect(await post("/hooks/deploy", body, replayed)).toEqual({ status: 200, json: { ok: true, duplicate: true } });
    expect(logs.join("")).toContain("deprecated X-Gonogo-* headers");
  });

  it("with a plain (not whsec_) WEBHOOK_SECRET, takes its UTF-8 bytes as the key for both schemes", async () => {
    const plain = "plain-old-secret-ünïcode";
    await app.stop();
    await startApp({ WEBHOOK_SECRET: plain, DATABASE_PATH: join(dir, "plain.db") });
    await shipping();
    const started = JSON.stringify({ release: "R-1", status: "started" });
    expect((await post("/hooks/deploy", started, legacySigned(started, plain))).status).toBe(200);
    const succeeded = JSON.stringify({ release: "R-1", status: "succeeded" });
    const headers = signed(succeeded, { secret: `whsec_${Buffer.from(plain, "utf8").toString("base64")}` });
    expect(await post("/hooks/deploy", succeeded, headers)).toEqual({ status: 200, json: { ok: true, release: "R-1", state: "shipped" } });
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
    expect((await app.store.getRelease("R-2"))?.state).toBe("voting");
    // Ids as commands take them; anything else is refused as malformed.
    expect(await post("/hooks/deploy", { release: "r-1", status: "succeeded" })).toMatchObject({ status: 200, json: { release: "R-1", state: "shipped" } });
    expect(await post("/hooks/deploy", { release: "release one", status: "succeeded" })).toMatchObject({ status: 400 });
  });

  it("answers a report over 64 KiB with a 413 that says so, and applies nothing", async () => {
    await shipping();
    const body = JSON.stringify({ release: "R-1", status: "succeeded", url: `https://ci.example.com/${"x".repeat(100 * 1024)}` });
    const res = await fetch(`${base}/hooks/deploy`, { method: "POST", headers: signed(body), body });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: "body over 64 KiB" });
    expect((await app.store.getRelease("R-1"))?.state).toBe("shipping");
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
    const release = (await app.store.getRelease("R-1"))!;
    expect(release.recoveredAt).not.toBeNull();
    expect((await app.store.listAudit("R-1")).find((e) => e.type === "state_changed" && e.data.to === "rolled_back")?.data.timeToRestoreMs).toBe(release.recoveredAt! - release.rollbackRequestedAt!);
  });

  it("rolls back by itself only when the channel's policy says so for that severity", async () => {
    await shipping();
    await say("admin", "policy set auto_rollback=critical");
    expect(await post("/hooks/alert", { service: "payments", summary: "p99 latency 3s", severity: "warning" })).toMatchObject({ json: { rolledBack: false } });
    expect((await app.store.getRelease("R-1"))?.state).toBe("shipping");
    expect(await post("/hooks/alert", { service: "payments", summary: "checkout down", severity: "critical" })).toMatchObject({ json: { rolledBack: true } });
    expect((await app.store.getRelease("R-1"))).toMatchObject({ state: "rolling_back", stateReason: "rollback by monitoring: automatic on critical alert: checkout down" });
    // Nobody pressed it: its notice calls on-call (oscar) as well as the manager.
    await app.bot.idle();
    const started = chat.notices.map((n) => n.notice).find((n) => n.text.startsWith("⏪ monitoring is rolling back R-1"))!;
    expect(started.mention).toEqual(expect.arrayContaining([person("alice").id, person("oscar").id]));
  });

  it("lands an alert or a report on the environment it names, production when it names none, and never guesses between others", async () => {
    await say("admin", "policy set quorum=1 auto_rollback=critical");
    await say("alice", "create api 1.0");
    await say("bob", "vote R-1 go");
    await say("alice", "ship R-1");
    await say("alice", "shipped R-1");
    await say("alice", "create api 1.1 env staging");
    await say("bob", "vote R-2 go");
    await say("alice", "ship R-2");
    // Staging shipped last; an alert naming no environment is production's.
    expect(await post("/hooks/alert", { service: "api", summary: "prod error rate 5x", severity: "critical" })).toMatchObject({ status: 200, json: { release: "R-1", rolledBack: true } });
    expect((await app.store.getRelease("R-2"))?.state).toBe("shipping");
    expect(await post("/hooks/alert", { service: "API", environment: "Staging", summary: "staging slow", severity: "warning" })).toMatchObject({ status: 200, json: { release: "R-2", rolledBack: false } });
    expect(await post("/hooks/alert", { service: "api", environment: "qa", summary: "x", severity: "info" })).toMatchObject({ status: 404, json: { error: "no live (shipping or shipped) release of api in qa" } });

    await say("alice", "create web 2.0 env staging");
    await say("alice", "create web 2.0 env qa");
    const guess = await post("/hooks/deploy", { service: "web", version: "2.0", status: "started" });
    expect(guess).toMatchObject({ status: 409, json: { error: expect.stringContaining("matches releases in several environments, none of them production: R-4 (qa), R-3 (staging)"), candidates: ["R-4", "R-3"] } });
    expect(await post("/hooks/deploy", { service: "web", version: "2.0", environment: "staging", status: "started" })).toMatchObject({ status: 409, json: { release: "R-3", error: expect.stringContaining("not shipping") } });
  });

  it("answers 404 when the service has no live release", async () => {
    expect(await post("/hooks/alert", { service: "ghost", summary: "x", severity: "info" })).toMatchObject({ status: 404, json: { error: "no live (shipping or shipped) release of ghost" } });
  });
});

describe("webhooks gonogo sends", () => {
  it("signs the deploy and rollback webhooks so the standardwebhooks library verifies them, with the idempotency key as webhook-id", async () => {
    receiver = await startWebhookReceiver(SECRET);
    await app.stop();
    await startApp({ DATABASE_PATH: join(dir, "out.db"), DEPLOY_WEBHOOK_URL: receiver.url, ROLLBACK_WEBHOOK_URL: receiver.url });
    await shipping();
    // The deploy call goes out first: one still unsent when the rollback comes is withdrawn.
    await vi.waitFor(() => expect(receiver!.received).toHaveLength(1), { timeout: 5_000 });
    await say("oscar", "rollback R-1 error rate 5x");
    await vi.waitFor(() => expect(receiver!.received).toHaveLength(2), { timeout: 5_000 });
    for (const hook of receiver.received) {
      // What a receiver does with the library: verify the raw body against the headers, or throw.
      expect(new Webhook(SECRET).verify(hook.body, hook.headers as Record<string, string>)).toEqual(hook.json);
      expect(hook.validLegacySignature).toBe(true);
    }
    expect(receiver.received.map((h) => [h.json.event, h.headers["webhook-id"], h.headers["idempotency-key"]])).toEqual([
      ["deploy", "deploy:R-1:1", "deploy:R-1:1"],
      ["rollback", "rollback:R-1", "rollback:R-1"],
    ]);
  });

  it("keeps the webhook-id across retries, and the library verifies every attempt (plain secret as its bytes)", async () => {
    const plain = "plain-webhook-secret-0123456789";
    receiver = await startWebhookReceiver(plain, { failFirst: 1, now: () => core.clock.now() });
    const core = createTestCore({ config: { rollbackWebhookUrl: receiver.url, webhookSecret: plain } });
    try {
      const act = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
      for (const [who, text] of [["alice", "create payments 1.4.2"], ["bob", "vote R-1 go"], ["carol", "vote R-1 go"], ["alice", "ship R-1"], ["alice", "shipped R-1"], ["alice", "rollback R-1 bad"]] as const) await act(who, text);
      await core.bot.runDueJobs();
      core.clock.advance(2_000);
      await core.bot.runDueJobs();
      expect(receiver.received.map((h) => [h.headers["webhook-id"], h.validSignature, h.signatureError])).toEqual([
        ["rollback:R-1", true, null],
        ["rollback:R-1", true, null],
      ]);
    } finally {
      await core.close();
    }
  });

  it("refuses a WEBHOOK_SECRET that starts with whsec_ but is not the base64 of 24 to 64 bytes, and says how to make one", () => {
    for (const bad of ["whsec_", "whsec_not base64!", `whsec_${Buffer.alloc(16).toString("base64")}`]) {
      expect(() => loadConfig({ WEBHOOK_SECRET: bad })).toThrow(/WEBHOOK_SECRET must be whsec_ followed by the base64 of 24 to 64 random bytes .*randomBytes\(32\)/);
    }
    expect(loadConfig({ WEBHOOK_SECRET: SECRET }).webhookSecret).toBe(SECRET);
    expect(loadConfig({ WEBHOOK_SECRET: "any plain secret" }).webhookSecret).toBe("any plain secret");
    expect(loadConfig({ WEBHOOK_SECRET: "   " }).webhookSecret).toBeUndefined();
  });

  it("refuses a plain WEBHOOK_SECRET shorter than 16 characters: it is the HMAC key as it is", () => {
    expect(() => loadConfig({ WEBHOOK_SECRET: "s" })).toThrow(/WEBHOOK_SECRET must be at least 16 characters \(it has 1\), or better whsec_/);
    expect(loadConfig({ WEBHOOK_SECRET: "x".repeat(16) }).webhookSecret).toBe("x".repeat(16));
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
    // A service in any case is the service; an empty one is every service, as in chat.
    const asTyped = async (q: string) => (await (await fetch(`${base}/api/stats?days=7&${q}`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).json()) as { service: string | null; releases: number };
    expect(await asTyped("service=PAYMENTS")).toMatchObject({ service: "payments", releases: 1 });
    expect(await asTyped("service=")).toMatchObject({ service: null, releases: 1 });
  });

  it("asks for GONOGO_METRICS_TOKEN at /metrics when it is set, and refuses a short one at start-up", async () => {
    const token = "metrics-token-0123456789";
    await app.stop();
    await startApp({ GONOGO_METRICS_TOKEN: token });
    const refused = await fetch(`${base}/metrics`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: "send Authorization: Bearer <GONOGO_METRICS_TOKEN>" });
    expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer metrics-token-0123456780" } })).status).toBe(401);
    const scraped = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain("gonogo_instance_info");
    // Health and readiness stay open: balancers and orchestrators send no token.
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(() => loadConfig({ GONOGO_METRICS_TOKEN: "short" })).toThrow(/GONOGO_METRICS_TOKEN must be at least 16 characters/);
    expect(logs.join("\n")).not.toContain(token);
  });

  it("never writes the webhook secret, API token or tokens from library errors to the log", async () => {
    await post("/hooks/deploy", { release: "R-1", status: "succeeded" }, { "x-gonogo-timestamp": "1", "x-gonogo-signature": `v1=${SECRET}` });
    const log = logs.join("");
    expect(log).toContain("rejected an inbound hook");
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(API_TOKEN);
  });
});

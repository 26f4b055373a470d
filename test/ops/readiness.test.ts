import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createFakeSlack, type FakeSlack } from "../../fakes/slack-api.js";
import { loadConfig } from "../../src/config.js";
import { startGonogo, type RunningGonogo } from "../../src/program.js";
import { createFakeTime, type FakeTime } from "../helpers/fake-time.js";
import { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, TEAM, USERS, postSigned, slashBody } from "../slack/harness.js";

/**
 * What `/readyz` answers is what a balancer (or a Kubernetes readiness probe) routes by: a
 * platform whose events arrive over gonogo's HTTP server gates it, one on a connection of its
 * own is only shown. The real program and Bolt against the fake Slack, on a fake clock.
 */

let dir: string;
let app: RunningGonogo | null = null;
let slack: FakeSlack;

afterEach(async () => {
  await app?.stop();
  app = null;
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>, time: FakeTime): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), "gonogo-readiness-"));
  const config = loadConfig({ DATABASE_PATH: join(dir, "gonogo.db"), PORT: "0", HOST: "127.0.0.1", GONOGO_TERMINAL: "off", SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl, ...env });
  app = await startGonogo(config, { stdin: new PassThrough(), stdout: new PassThrough(), writeLog: () => undefined, portExplicit: true, logLevelExplicit: false, clock: time, timer: time.timer });
  return `http://127.0.0.1:${app.port}`;
}

async function readyz(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: await res.json() };
}

async function slackGauge(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^gonogo_platform_connected\{platform="slack"\} (\d+)$/m.exec(text)?.[1]);
}

/** Slack answers 503 to every try Bolt makes at start-up (its WebClient tries a 5xx three times). */
const SLACK_DOWN_AT_START = 3;

function fakeTime(): FakeTime {
  const time = createFakeTime(Date.now());
  time.fastForward(4000);
  return time;
}

describe("/readyz routes by what inbound traffic needs", () => {
  it("Slack in HTTP mode that cannot take its events yet (Slack answered 503 at start-up) is not ready: 503 until a later try connects it", { timeout: 20_000 }, async () => {
    slack = await createFakeSlack({ teamId: TEAM, users: USERS });
    slack.failNext("auth.test", { status: 503 }, SLACK_DOWN_AT_START);
    const time = fakeTime();
    const url = await start({ SLACK_SIGNING_SECRET: SIGNING_SECRET }, time);
    expect(await readyz(url)).toEqual({ status: 503, body: { ready: false, checks: { database: true, slack: false } } });
    expect(await slackGauge(url)).toBe(0);

    time.advance(5000);
    await vi.waitFor(async () => expect(await readyz(url)).toEqual({ status: 200, body: { ready: true, checks: { database: true, slack: true } } }), { timeout: 5000, interval: 20 });
    expect(await slackGauge(url)).toBe(1);
    // Ready means it takes what the balancer sends: a command over HTTP is answered.
    expect((await postSigned(url, slashBody(slack, "UMGR", "create payments 1.4.2 at in 2h"), "application/x-www-form-urlencoded")).status).toBe(200);
    await slack.waitFor("chat.postMessage");
  });

  it("Slack over Socket Mode that is down does not make the instance unready (no balancer routes its events): shown under connections and in /metrics", { timeout: 20_000 }, async () => {
    slack = await createFakeSlack({ teamId: TEAM, users: USERS });
    slack.failNext("auth.test", { status: 503 }, SLACK_DOWN_AT_START);
    const url = await start({ SLACK_APP_TOKEN: APP_TOKEN }, fakeTime());
    expect(await readyz(url)).toEqual({ status: 200, body: { ready: true, checks: { database: true }, connections: { slack: false } } });
    expect(await slackGauge(url)).toBe(0);
  });

  it("a SIGTERM still makes it 503 at once, with the connections shown", { timeout: 20_000 }, async () => {
    slack = await createFakeSlack({ teamId: TEAM, users: USERS });
    slack.failNext("auth.test", { status: 503 }, SLACK_DOWN_AT_START);
    const time = fakeTime();
    const url = await start({ SLACK_APP_TOKEN: APP_TOKEN, GONOGO_SHUTDOWN_DRAIN: "5s" }, time);
    const stopping = app!.stop();
    app = null;
    try {
      expect(await readyz(url)).toEqual({ status: 503, body: { ready: false, stopping: true, checks: { database: true }, connections: { slack: false } } });
    } finally {
      time.advance(5000);
      await stopping;
    }
  });
});

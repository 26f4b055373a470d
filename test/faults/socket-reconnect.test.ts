import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createFakeSlack, type FakeSlack } from "../../fakes/slack-api.js";
import type { Timer } from "../../src/app/ports.js";
import { loadConfig } from "../../src/config.js";
import { startGonogo, type RunningGonogo } from "../../src/program.js";
import { createFakeTime, type FakeTime } from "../helpers/fake-time.js";
import { APP_TOKEN, BOT_TOKEN, CHANNEL, TEAM, USERS, blockActionsPayload, buttonsOf, messageTs, visibleText } from "../slack/harness.js";

/**
 * Slack's Socket Mode socket drops, and Slack's `apps.connections.open` then fails (the
 * network, then Slack's side) for longer than the Slack client would try by itself: gonogo
 * keeps trying on its own clock until Slack answers, and is back without a restart. The real
 * program and Bolt against the fake Slack, on a fake clock the test moves to each next try.
 */

let dir: string;
let app: RunningGonogo | null = null;
let slack: FakeSlack | null = null;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

afterEach(async () => {
  await app?.stop();
  app = null;
  await slack?.close();
  slack = null;
  process.off("unhandledRejection", onUnhandled);
  rmSync(dir, { recursive: true, force: true });
});

/** Every wait armed on the fake timer, in order: gonogo's wait before its next try at Slack is among them. */
function recordingWaits(time: FakeTime): { timer: Timer; waits: number[] } {
  const waits: number[] = [];
  const timer: Timer = {
    after(ms, fn) {
      waits.push(ms);
      return time.timer.after(ms, fn);
    },
    every: (ms, fn) => time.timer.every(ms, fn),
  };
  return { timer, waits };
}

async function seen(url: string): Promise<{ connections: Record<string, boolean>; gauge: number | undefined }> {
  const ready = (await (await fetch(`${url}/readyz`)).json()) as { connections: Record<string, boolean> };
  const text = await (await fetch(`${url}/metrics`)).text();
  const gauge = /^gonogo_platform_connected\{platform="slack"\} (\d+)$/m.exec(text)?.[1];
  return { connections: ready.connections, gauge: gauge === undefined ? undefined : Number(gauge) };
}
const until = (url: string, up: boolean) => vi.waitFor(async () => expect(await seen(url)).toEqual({ connections: { slack: up }, gauge: up ? 1 : 0 }), { timeout: 5000, interval: 20 });

function slashPayload(fake: FakeSlack, text: string): Record<string, unknown> {
  return { token: "unused", team_id: TEAM, team_domain: "acme", channel_id: CHANNEL, channel_name: "releases", user_id: "UMGR", user_name: "umgr", command: "/release", text, api_app_id: "A1", is_enterprise_install: "false", response_url: `${fake.origin}/respond/s`, trigger_id: "trig-1" };
}

describe("Slack's Socket Mode after a drop, while Slack cannot be reached", () => {
  it("gonogo keeps trying apps.connections.open on its own capped back-off (network errors, then 503s, past the client's own retries) until Slack answers, reconnects, and a GO pressed after the return is answered and lands; the outage and the return are logged once each, no token, nothing unhandled", { timeout: 30_000 }, async () => {
    process.on("unhandledRejection", onUnhandled);
    slack = await createFakeSlack({ teamId: TEAM, users: USERS });
    dir = mkdtempSync(join(tmpdir(), "gonogo-reconnect-"));
    const time = createFakeTime(Date.now());
    time.fastForward(4000);
    const { timer, waits } = recordingWaits(time);
    const logs: string[] = [];
    const config = loadConfig({ DATABASE_PATH: join(dir, "gonogo.db"), PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", GONOGO_TERMINAL: "off", SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: slack.apiUrl });
    app = await startGonogo(config, { stdin: new PassThrough(), stdout: new PassThrough(), writeLog: (l) => logs.push(l), portExplicit: true, logLevelExplicit: true, clock: time, timer });
    const url = `http://127.0.0.1:${app.port}`;
    await slack.socketConnected();
    await until(url, true);

    await slack.sendEnvelope({ type: "slash_commands", payload: slashPayload(slack, "create payments 1.4.2 at in 2h") });
    const card = await slack.waitFor("chat.postMessage", (c) => c.params.thread_ts === undefined && visibleText(c).includes("payments 1.4.2"), 5000);
    const opens = () => slack!.callsTo("apps.connections.open").length;
    const opensBefore = opens();
    const logsBefore = logs.length;

    // The network goes: the socket drops and Slack's API cannot be reached.
    let armedSince = waits.length;
    slack.failAll("apps.connections.open", { network: true });
    slack.dropSocket();
    await until(url, false);

    /** Waits until gonogo has armed a wait of `waitMs` for its next try, lets it pass on the fake clock, and sees the try. */
    const nextTry = async (waitMs: number) => {
      const tries = opens();
      await vi.waitFor(() => expect(waits.slice(armedSince)).toContain(waitMs), { timeout: 5000, interval: 10 });
      armedSince = waits.length;
      time.advance(waitMs);
      await vi.waitFor(() => expect(opens()).toBe(tries + 1), { timeout: 5000, interval: 10 });
    };
    // 5 s after the drop, then twice as long each time, capped at a minute.
    for (const waitMs of [5_000, 10_000, 20_000]) await nextTry(waitMs);
    // Slack's side fails next, past anything the client would retry by itself.
    slack.failAll("apps.connections.open", { status: 503 });
    for (const waitMs of [40_000, 60_000, 60_000, 60_000]) await nextTry(waitMs);
    expect(opens() - opensBefore).toBe(7);
    expect(await seen(url)).toEqual({ connections: { slack: false }, gauge: 0 });

    // Slack is back: the next try connects.
    slack.failAll("apps.connections.open", null);
    await nextTry(60_000);
    await slack.socketConnected();
    await until(url, true);

    // A GO pressed after the return is answered, and the card shows it.
    const ack = await slack.sendEnvelope({ type: "interactive", payload: blockActionsPayload(slack, "UQA", card, buttonsOf(card).get("Go")!, "Go") }, 5000);
    expect(ack.envelope_id).toBeTruthy();
    await slack.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("*GO* (1)"), 5000);

    // The whole outage in the log: the drop, its reason each time it changed, and the return. Not a line per try.
    const outage = logs.slice(logsBefore).map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(outage.map((l) => l.level)).toEqual(["warn", "warn", "warn", "info"]);
    expect(outage[0]!.msg).toMatch(/^Slack is disconnected \(its connection dropped\); the scheduler keeps running, and what is meant for Slack waits for it; reconnecting in 5 s,/);
    expect(outage[1]!.msg).toMatch(/^Slack is disconnected \(cannot reach Slack at http:\/\/127\.0\.0\.1:\d+\/api\/ \(\w+\): check this machine's network and proxy, and SLACK_API_URL\); .*reconnecting in 10 s,/);
    expect(outage[2]!.msg).toMatch(/^Slack is disconnected \(Slack answered HTTP 503\); .*reconnecting in 60 s,/);
    expect(outage[3]!.msg).toBe("Slack is connected again");
    expect(logs.join("\n")).not.toContain(APP_TOKEN);
    expect(logs.join("\n")).not.toContain(BOT_TOKEN);
    expect(unhandled).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { connectPlatform, type StartedPlatform } from "../../src/app/platform-connect.js";
import { PlatformUnavailable, type Logger } from "../../src/app/ports.js";
import { createFakeTime, T0 } from "../helpers/core.js";

function capture(): { log: Logger; lines: Array<{ level: string; msg: string }> } {
  const lines: Array<{ level: string; msg: string }> = [];
  const at = (level: string) => (_obj: Record<string, unknown>, msg: string) => void lines.push({ level, msg });
  return { log: { info: at("info"), warn: at("warn"), error: at("error") }, lines };
}

/** A platform that fails each try with the next of `outcomes` (an Error), then connects; records when each try began. */
function platform(time: { now(): number }, outcomes: Error[]) {
  const tries: number[] = [];
  let stopped = 0;
  const started: StartedPlatform = { stop: () => Promise.resolve(void (stopped += 1)) };
  return {
    tries,
    stopped: () => stopped,
    start: () => {
      tries.push(time.now() - T0);
      const next = outcomes.shift();
      return next ? Promise.reject(next) : Promise.resolve(started);
    },
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Moves the clock `ms` a second at a time, letting each try that falls due run. */
async function pass(time: ReturnType<typeof createFakeTime>, ms: number) {
  for (let moved = 0; moved < ms; moved += 1000) {
    time.advance(1000);
    await flush();
  }
}

describe("starting a chat platform that may be down", () => {
  it("tries again 5 s, 10 s, 20 s, 40 s, then every 60 s after a failure, logs the outage once and again only when its reason changes, and says when it connects", async () => {
    const time = createFakeTime(T0);
    const down = (why: string) => new PlatformUnavailable(why);
    const p = platform(time, [down("connect ECONNREFUSED"), down("connect ECONNREFUSED"), down("connect ECONNREFUSED"), down("503 Service Unavailable"), down("503 Service Unavailable"), down("503 Service Unavailable")]);
    const { log, lines } = capture();
    let connected = 0;
    const connection = await connectPlatform({ name: "Discord", start: p.start, meanwhile: "Slack and the scheduler keep running", onConnected: () => void (connected += 1), onDisconnected: () => undefined, log, clock: time, timer: time.timer });
    expect(connection.connected()).toBe(false);
    expect(lines).toEqual([{ level: "warn", msg: "Discord is unreachable (connect ECONNREFUSED); Slack and the scheduler keep running; retrying in 5 s, then less and less often (at most a minute apart)" }]);

    await pass(time, 300_000);
    expect(p.tries).toEqual([0, 5_000, 15_000, 35_000, 75_000, 135_000, 195_000]);
    expect(lines.map((l) => l.msg)).toEqual([
      "Discord is unreachable (connect ECONNREFUSED); Slack and the scheduler keep running; retrying in 5 s, then less and less often (at most a minute apart)",
      "Discord is unreachable (503 Service Unavailable); Slack and the scheduler keep running; retrying in 40 s, then less and less often (at most a minute apart)",
      "Discord is reachable again: connected",
    ]);
    expect(connection.connected()).toBe(true);
    expect(connected).toBe(1);
    expect(time.pending()).toBe(0);
    await connection.stop();
    expect(p.stopped()).toBe(1);
  });

  it("fails at once when the first try is refused for a setting, and never tries again", async () => {
    const time = createFakeTime(T0);
    const p = platform(time, [new Error("Discord start failed: An invalid token was provided. Check DISCORD_TOKEN (Developer Portal → Bot → Reset Token).")]);
    const { log } = capture();
    await expect(connectPlatform({ name: "Discord", start: p.start, meanwhile: "…", onConnected: () => undefined, onDisconnected: () => undefined, log, clock: time, timer: time.timer })).rejects.toThrow("Check DISCORD_TOKEN");
    expect(time.pending()).toBe(0);
  });

  it("after an outage, a setting refused on a later try is logged and ends the tries; the rest of gonogo runs on", async () => {
    const time = createFakeTime(T0);
    const p = platform(time, [new PlatformUnavailable("503 Service Unavailable"), new Error("Discord start failed: 401 Unauthorized")]);
    const { log, lines } = capture();
    const connection = await connectPlatform({ name: "Discord", start: p.start, meanwhile: "…", onConnected: () => undefined, onDisconnected: () => undefined, log, clock: time, timer: time.timer });
    await pass(time, 120_000);
    expect(p.tries).toEqual([0, 5_000]);
    expect(lines.at(-1)).toEqual({ level: "error", msg: "Discord refused gonogo's settings, so gonogo no longer tries to connect to it and runs on without it; fix the setting the message names and restart gonogo" });
    expect(connection.connected()).toBe(false);
  });

  it("stops at once while waiting to try again, and while a try is under way (whose late success is let go)", async () => {
    const time = createFakeTime(T0);
    const p = platform(time, [new PlatformUnavailable("503 Service Unavailable")]);
    const { log } = capture();
    const waiting = await connectPlatform({ name: "Discord", start: p.start, meanwhile: "…", onConnected: () => undefined, onDisconnected: () => undefined, log, clock: time, timer: time.timer });
    await waiting.stop();
    expect(time.pending()).toBe(0);
    await pass(time, 120_000);
    expect(p.tries).toEqual([0]);

    let finish!: () => void;
    let signal!: AbortSignal;
    let stopped = 0;
    const slow = await connectPlatform({
      name: "Discord",
      start: (s) => {
        signal = s;
        return p.tries.length === 1 ? (p.tries.push(-1), Promise.reject(new PlatformUnavailable("timeout"))) : new Promise((resolve) => (finish = () => resolve({ stop: () => Promise.resolve(void (stopped += 1)) })));
      },
      meanwhile: "…",
      onConnected: () => expect.fail("connected after stop"),
      onDisconnected: () => undefined,
      log,
      clock: time,
      timer: time.timer,
    });
    await pass(time, 5_000);
    await slow.stop();
    expect(signal.aborted).toBe(true);
    finish();
    await flush();
    expect(stopped).toBe(1);
    expect(slow.connected()).toBe(false);
  });
});

describe("a step of starting that the platform could not be reached for (Discord's /release registration in HTTP mode)", () => {
  /** A platform that starts at once, leaving a step undone; each retry of the step fails with the next of `outcomes`, then succeeds. */
  function withStep(time: { now(): number }, outcomes: Error[]) {
    const retries: number[] = [];
    const step = {
      failure: new PlatformUnavailable("503 Service Unavailable"),
      failed: "could not register /release",
      meanwhile: "the interactions endpoint answers with the commands registered before",
      done: "/release registered",
      whenRefused: "gonogo no longer tries to register it: fix that setting, then restart gonogo.",
      retry: () => {
        retries.push(time.now() - T0);
        const next = outcomes.shift();
        return next ? Promise.reject(next) : Promise.resolve();
      },
    };
    return { retries, start: () => Promise.resolve<StartedPlatform>({ stop: () => Promise.resolve(), unfinished: step }) };
  }

  it("runs connected meanwhile, tries the step again 5 s, 10 s, 20 s, 40 s, then every 60 s, logs the failure once and the success once", async () => {
    const time = createFakeTime(T0);
    const p = withStep(time, [new PlatformUnavailable("503 Service Unavailable"), new PlatformUnavailable("503 Service Unavailable"), new PlatformUnavailable("503 Service Unavailable"), new PlatformUnavailable("connect ECONNREFUSED")]);
    const { log, lines } = capture();
    let connected = 0;
    const connection = await connectPlatform({ name: "Discord", start: p.start, meanwhile: "…", onConnected: () => void (connected += 1), onDisconnected: () => undefined, log, clock: time, timer: time.timer });
    expect(connection.connected()).toBe(true);
    expect(connected).toBe(1);
    expect(lines).toEqual([
      { level: "warn", msg: "Discord could not register /release (503 Service Unavailable); the interactions endpoint answers with the commands registered before; retrying in 5 s, then less and less often (at most a minute apart)" },
    ]);

    await pass(time, 300_000);
    expect(p.retries).toEqual([5_000, 15_000, 35_000, 75_000, 135_000]);
    expect(lines.slice(1)).toEqual([
      { level: "warn", msg: "Discord could not register /release (connect ECONNREFUSED); the interactions endpoint answers with the commands registered before; retrying in 60 s, then less and less often (at most a minute apart)" },
      { level: "info", msg: "Discord is reachable again: /release registered" },
    ]);
    expect(time.pending()).toBe(0);
    await connection.stop();
  });

  it("a setting refused on a later try is logged with what to fix, and ends the tries", async () => {
    const time = createFakeTime(T0);
    const p = withStep(time, [new Error("401: Unauthorized. Check DISCORD_TOKEN (Developer Portal → Bot → Reset Token).")]);
    const { log, lines } = capture();
    const connection = await connectPlatform({ name: "Discord", start: p.start, meanwhile: "…", onConnected: () => undefined, onDisconnected: () => undefined, log, clock: time, timer: time.timer });
    await pass(time, 300_000);
    expect(p.retries).toEqual([5_000]);
    expect(lines.at(-1)).toEqual({
      level: "error",
      msg: "Discord could not register /release: 401: Unauthorized. Check DISCORD_TOKEN (Developer Portal → Bot → Reset Token). gonogo no longer tries to register it: fix that setting, then restart gonogo.",
    });
    expect(connection.connected()).toBe(true);
    expect(time.pending()).toBe(0);
  });

  it("stops trying the step at once when gonogo stops", async () => {
    const time = createFakeTime(T0);
    const p = withStep(time, [new PlatformUnavailable("503 Service Unavailable"), new PlatformUnavailable("503 Service Unavailable")]);
    const { log } = capture();
    const connection = await connectPlatform({ name: "Discord", start: p.start, meanwhile: "…", onConnected: () => undefined, onDisconnected: () => undefined, log, clock: time, timer: time.timer });
    await pass(time, 5_000);
    expect(p.retries).toEqual([5_000]);
    await connection.stop();
    expect(time.pending()).toBe(0);
    await pass(time, 120_000);
    expect(p.retries).toEqual([5_000]);
  });
});

describe("a platform's own connection dropping after it connected (Slack's Socket Mode, Discord's gateway)", () => {
  it("tells the core and the log once per drop and once per return, follows the client's state, and says nothing of the disconnect that stopping makes", async () => {
    const time = createFakeTime(T0);
    let up = true;
    let tell: (connected: boolean) => void = () => undefined;
    const started: StartedPlatform = { stop: () => Promise.resolve(tell(false)), connected: () => up, onConnectionChange: (listener) => void (tell = listener) };
    const { log, lines } = capture();
    const seen: string[] = [];
    const connection = await connectPlatform({ name: "Discord", start: () => Promise.resolve(started), meanwhile: "Slack and the scheduler keep running", onConnected: () => void seen.push("up"), onDisconnected: () => void seen.push("down"), log, clock: time, timer: time.timer });
    expect(seen).toEqual(["up"]);

    up = false;
    tell(false);
    tell(false);
    expect(connection.connected()).toBe(false);
    time.advance(7_000);
    up = true;
    tell(true);
    expect(connection.connected()).toBe(true);
    expect(seen).toEqual(["up", "down", "up"]);
    expect(lines).toEqual([
      { level: "warn", msg: "Discord's connection dropped; its client is reconnecting; Slack and the scheduler keep running, and what is meant for Discord waits for it" },
      { level: "info", msg: "Discord is connected again" },
    ]);
    expect(time.pending()).toBe(0);

    await connection.stop();
    expect(seen).toEqual(["up", "down", "up"]);
    expect(lines).toHaveLength(2);
  });

  it("one whose client does not reconnect by itself (Slack's Socket Mode) is reconnected by gonogo 5 s after the drop, then twice as long each time up to a minute, however long the outage: the drop, a new reason and the return logged once each; a try whose connection drops again at once is not the return; stopping ends the tries", async () => {
    const time = createFakeTime(T0);
    let up = true;
    let tell: (connected: boolean) => void = () => undefined;
    const down = (why: string) => new PlatformUnavailable(why);
    const outcomes: Array<Error | "drops at once" | "connects"> = [down("cannot reach Slack (ECONNRESET)"), down("cannot reach Slack (ECONNRESET)"), down("Slack answered HTTP 503"), "drops at once", "connects"];
    const tries: number[] = [];
    const started: StartedPlatform = {
      stop: () => Promise.resolve(tell(false)),
      connected: () => up,
      onConnectionChange: (listener) => void (tell = listener),
      reconnect: () => {
        tries.push(time.now() - T0);
        const next = outcomes.shift() ?? "connects";
        if (next instanceof Error) return Promise.reject(next);
        up = true;
        tell(true);
        if (next === "drops at once") {
          up = false;
          tell(false);
        }
        return Promise.resolve();
      },
    };
    const { log, lines } = capture();
    const seen: string[] = [];
    const connection = await connectPlatform({ name: "Slack", start: () => Promise.resolve(started), meanwhile: "Discord and the scheduler keep running", onConnected: () => void seen.push("up"), onDisconnected: () => void seen.push("down"), log, clock: time, timer: time.timer });

    up = false;
    tell(false);
    expect(connection.connected()).toBe(false);
    await pass(time, 300_000);
    expect(tries).toEqual([5_000, 15_000, 35_000, 75_000, 135_000]);
    expect(connection.connected()).toBe(true);
    expect(seen).toEqual(["up", "down", "up", "down", "up"]);
    const meanwhile = "Discord and the scheduler keep running, and what is meant for Slack waits for it";
    expect(lines).toEqual([
      { level: "warn", msg: `Slack is disconnected (its connection dropped); ${meanwhile}; reconnecting in 5 s, then less and less often (at most a minute apart)` },
      { level: "warn", msg: `Slack is disconnected (cannot reach Slack (ECONNRESET)); ${meanwhile}; reconnecting in 10 s, then less and less often (at most a minute apart)` },
      { level: "warn", msg: `Slack is disconnected (Slack answered HTTP 503); ${meanwhile}; reconnecting in 40 s, then less and less often (at most a minute apart)` },
      { level: "warn", msg: `Slack is disconnected (its connection dropped again at once); ${meanwhile}; reconnecting in 60 s, then less and less often (at most a minute apart)` },
      { level: "info", msg: "Slack is connected again" },
    ]);
    expect(time.pending()).toBe(0);

    // A second drop is tried again from 5 s; stopping meanwhile ends the tries and says nothing.
    up = false;
    tell(false);
    outcomes.push(down("cannot reach Slack (ECONNRESET)"));
    await pass(time, 5_000);
    expect(tries).toHaveLength(6);
    await connection.stop();
    expect(time.pending()).toBe(0);
    await pass(time, 120_000);
    expect(tries).toHaveLength(6);
    expect(lines).toHaveLength(7);
  });
});

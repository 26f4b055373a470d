import type { webApi } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import type { Logger } from "../../src/app/ports.js";
import { createSlackIdentity } from "../../adapters/slack/identity.js";
import { slackGroupId } from "../../adapters/slack/inbound.js";
import { createFakeTime, type FakeTime } from "../helpers/fake-time.js";
import { T0 } from "../helpers/core.js";

const quietLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Lets `ms` of fake time pass a millisecond at a time, with a turn of the event loop after each, so lookups started on the way finish. */
async function pass(time: FakeTime, ms: number): Promise<void> {
  for (let i = 0; i < ms; i++) {
    time.advance(1);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A Web API client that answers users.info with a display name and records when (on the fake clock) each call came. */
function lookupClient(time: FakeTime) {
  const calls: Array<{ user: string; at: number }> = [];
  const client = {
    users: {
      info: ({ user }: { user: string }) => {
        calls.push({ user, at: time.now() });
        return Promise.resolve({ ok: true, user: { id: user, name: user.toLowerCase(), profile: { display_name: `Display ${user}` } } });
      },
    },
    usergroups: { list: () => Promise.resolve({ ok: true, usergroups: [] }) },
  } as unknown as webApi.WebClient;
  return { client, calls };
}

describe("Slack names during a vote storm", () => {
  it("looks no one up while presses keep coming, then one at a time once they pause", async () => {
    const time = createFakeTime(T0);
    const { client, calls } = lookupClient(time);
    const identity = createSlackIdentity(client, quietLog, { namesQuietMs: 150, namesSpacingMs: 20, clock: time, timer: time.timer });
    // A storm: 20 first-time voters, a press every 10 ms.
    for (let i = 0; i < 20; i++) {
      const actor = await identity.actor("T1", `U${i}`, `user${i}`);
      expect(actor.name).toBe(`user${i}`);
      await pass(time, 10);
    }
    expect(calls).toEqual([]);

    // The lull: 150 ms of quiet, then 20 lookups 20 ms apart.
    await pass(time, 1000);
    expect(calls).toHaveLength(20);
    expect(calls.map((c) => c.user).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `U${i}`).sort());
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(15);
    // Their next press carries the name Slack shows.
    expect((await identity.actor("T1", "U3", "user3")).name).toBe("Display U3");
  });

  it("stops looking up when presses resume and finishes after the next lull", async () => {
    const time = createFakeTime(T0);
    const { client, calls } = lookupClient(time);
    const identity = createSlackIdentity(client, quietLog, { namesQuietMs: 100, namesSpacingMs: 50, clock: time, timer: time.timer });
    for (let i = 0; i < 10; i++) await identity.actor("T1", `U${i}`, `user${i}`);
    await pass(time, 100 + 80);
    const duringLull = calls.length;
    expect(duringLull).toBeGreaterThan(0);
    expect(duringLull).toBeLessThan(10);
    // Voting resumes: no lookups while it lasts.
    for (let i = 0; i < 10; i++) {
      await identity.actor("T1", "U0", "user0");
      await pass(time, 20);
    }
    expect(calls.length).toBeLessThanOrEqual(duringLull + 1);
    // The next lull: 100 ms of quiet, then the rest 50 ms apart.
    await pass(time, 1000);
    expect(new Set(calls.map((c) => c.user)).size).toBe(10);
  });
});

describe("Slack user groups", () => {
  it("trusts memberships for a minute, then a new member of @qa counts as @qa", async () => {
    const time = createFakeTime(T0);
    const qa: string[] = [];
    let lists = 0;
    const client = {
      users: { info: () => Promise.resolve({ ok: true, user: {} }) },
      usergroups: {
        list: () => {
          lists++;
          return Promise.resolve({ ok: true, usergroups: [{ id: "SQA", users: [...qa] }] });
        },
      },
    } as unknown as webApi.WebClient;
    const identity = createSlackIdentity(client, quietLog, { groupsTtlMs: 60_000, clock: time, timer: time.timer });
    expect((await identity.actor("T1", "UNEW", "new")).groups).toEqual([]);

    qa.push("UNEW");
    time.advance(59_000);
    expect((await identity.actor("T1", "UNEW", "new")).groups).toEqual([]);
    time.advance(1_000);
    expect((await identity.actor("T1", "UNEW", "new")).groups).toEqual([slackGroupId("T1", "SQA")]);
    expect(lists).toBe(2);
  });
});

describe("Slack names over months", () => {
  it("keeps the names of the people who acted lately, not of everyone who ever voted", async () => {
    const time = createFakeTime(T0);
    const { client, calls } = lookupClient(time);
    const identity = createSlackIdentity(client, quietLog, { namesTtlMs: 10_000, namesQuietMs: 10, namesSpacingMs: 10, clock: time, timer: time.timer });
    // A new voter every minute for 200 minutes, each looked up in the lull after their press.
    for (let i = 0; i < 200; i++) {
      await identity.actor("T1", `U${i}`, `user${i}`);
      await pass(time, 30);
      time.advance(60_000);
    }
    expect(calls).toHaveLength(200);
    expect(identity.namesKept).toBeLessThanOrEqual(2);
    // A voter back after a while is named at once on the press after their lookup, as before.
    await identity.actor("T1", "U0", "user0");
    await pass(time, 30);
    expect((await identity.actor("T1", "U0", "user0")).name).toBe("Display U0");
  });
});

import type { webApi } from "@slack/bolt";
import { describe, expect, it, vi } from "vitest";
import type { Logger } from "../../src/app/ports.js";
import { createSlackIdentity } from "../../adapters/slack/identity.js";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const quietLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A Web API client that answers users.info with a display name and records when each call came. */
function lookupClient() {
  const calls: Array<{ user: string; at: number }> = [];
  const client = {
    users: {
      info: ({ user }: { user: string }) => {
        calls.push({ user, at: Date.now() });
        return Promise.resolve({ ok: true, user: { id: user, name: user.toLowerCase(), profile: { display_name: `Display ${user}` } } });
      },
    },
    usergroups: { list: () => Promise.resolve({ ok: true, usergroups: [] }) },
  } as unknown as webApi.WebClient;
  return { client, calls };
}

describe("Slack names during a vote storm", () => {
  it("looks no one up while presses keep coming, then one at a time once they pause", async () => {
    const { client, calls } = lookupClient();
    const identity = createSlackIdentity(client, quietLog, { namesQuietMs: 150, namesSpacingMs: 20 });
    // A storm: 20 first-time voters, a press every 10 ms.
    for (let i = 0; i < 20; i++) {
      const actor = await identity.actor("T1", `U${i}`, `user${i}`);
      expect(actor.name).toBe(`user${i}`);
      await sleep(10);
    }
    expect(calls).toEqual([]);

    await vi.waitFor(() => expect(calls).toHaveLength(20), { timeout: 5000, interval: 50 });
    expect(calls.map((c) => c.user).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `U${i}`).sort());
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(15);
    // Their next press carries the name Slack shows.
    expect((await identity.actor("T1", "U3", "user3")).name).toBe("Display U3");
  });

  it("stops looking up when presses resume and finishes after the next lull", async () => {
    const { client, calls } = lookupClient();
    const identity = createSlackIdentity(client, quietLog, { namesQuietMs: 100, namesSpacingMs: 50 });
    for (let i = 0; i < 10; i++) await identity.actor("T1", `U${i}`, `user${i}`);
    await sleep(100 + 80);
    const duringLull = calls.length;
    expect(duringLull).toBeGreaterThan(0);
    expect(duringLull).toBeLessThan(10);
    // Voting resumes: no lookups while it lasts.
    for (let i = 0; i < 10; i++) {
      await identity.actor("T1", "U0", "user0");
      await sleep(20);
    }
    expect(calls.length).toBeLessThanOrEqual(duringLull + 1);
    await vi.waitFor(() => expect(new Set(calls.map((c) => c.user)).size).toBe(10), { timeout: 5000, interval: 50 });
  });
});

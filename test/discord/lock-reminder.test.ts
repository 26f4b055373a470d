import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness.js";

/** A deploy lock set by hand, said again on Discord as a message of its own in the channel it was set in. */

const HOUR = 3_600_000;
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("Discord: a deploy lock still on", () => {
  it("is a channel message after 4 hours (not a reply to any card), mentioning who set it, with the unlock command", async () => {
    await h.command(h.admin, "lock", { action: "lock", service: "payments", reason: "incident 42" });
    h.core.clock.advance(4 * HOUR);
    await h.core.bot.runDueJobs();
    const told = await h.fake.waitFor((c) => c.method === "POST" && c.path === `/channels/${h.fake.world.channelId}/messages` && String(c.body.content ?? "").includes("Still locked"));
    expect(told.body.message_reference).toBeUndefined();
    const content = String(told.body.content);
    expect(content).toMatch(/^🔒 Still locked: payments production is locked by Member 0: incident 42\. It has been on for 4h \(since <t:\d+:F>\)\. No release is held back by it right now\./);
    // Discord shows the unlock command in its own option syntax (adapters/discord/command-hints.ts).
    expect(content).toContain("it stays locked until a release-manager or an admin lifts it with `/release lock action:unlock service:payments environment:production reason:<text>`.");
    expect(content).toContain(`<@${h.admin.id}>`);
    expect(told.body.allowed_mentions).toMatchObject({ users: [h.admin.id] });
  });

  it("set in a channel the bot may not post in, comes in a DM to who set it, saying why", async () => {
    await h.command(h.admin, "lock", { action: "lock", service: "payments", reason: "incident 42" });
    const channel = h.fake.world.channelId;
    h.fake.denyChannel(channel, 50013);
    h.core.clock.advance(4 * HOUR);
    await h.core.bot.runDueJobs();
    await h.fake.waitFor((c) => c.method === "POST" && c.path === "/users/@me/channels");
    const dmChannel = h.fake.dmChannels.get(h.admin.id);
    const dm = await h.fake.waitFor((c) => c.method === "POST" && c.path === `/channels/${dmChannel}/messages`);
    expect(String(dm.body.content)).toContain(`I can't post in <#${channel}> (let gonogo in there), so this comes to you: 🔒 Still locked: payments production is locked by Member 0: incident 42.`);
    await h.core.bot.idle();
    expect(await h.core.store.listOutbox()).toEqual([]);
  });
});

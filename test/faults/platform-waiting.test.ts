import { afterEach, describe, expect, it } from "vitest";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { NOTICE_MAX_ATTEMPTS, NOTICE_SWEEP_MS } from "../../src/app/notice-outbox.js";
import type { CardView } from "../../src/app/views.js";
import type { ChannelRef } from "../../src/domain/types.js";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { discordChannel, shareToDiscord as shareFromDiscord } from "../helpers/discord-share.js";

const MIN = 60_000;
/** A Discord channel the release's card is shared to; its platform's adapter is still connecting. */

let cores: TestCore[] = [];
afterEach(async () => {
  for (const core of cores) await core.close();
  cores = [];
});

const say = (core: TestCore, who: string, text: string, where: ChannelRef = channel) => core.bot.handle({ kind: "command", actor: person(who), channel: where, text });
async function shareToDiscord(core: TestCore, id: string) {
  const reply = await shareFromDiscord(core, id);
  expect(reply.type === "message" && reply.text).toContain(`Posting ${id}'s card here`);
}
const goCount = (card: CardView | undefined) => card?.tally.go;
const reminders = (texts: string[]) => texts.filter((t) => t.startsWith("⏰ T-15m"));

describe("a platform whose adapter is still connecting (an outage at start-up)", () => {
  it("keeps a card shared there while it connects, and posts it once it does, showing the votes cast meanwhile", async () => {
    const core = createTestCore();
    cores.push(core);
    const discord = createRecordingSurface("discord", 1000);
    core.bot.attachSurface(createRecordingSurface("terminal").surface);
    core.bot.attachSurface(discord.surface, { connected: false });
    await core.bot.start();

    await say(core, "alice", "create payments 1.4.2 at in 2h");
    await shareToDiscord(core, "R-1");
    await say(core, "bob", "vote R-1 go");
    core.clock.advance(10 * MIN);
    await core.settle();
    expect(discord.posts).toEqual([]);

    core.bot.surfaceConnected("discord");
    await core.settle();
    expect(discord.posts.map((p) => p.channel.key)).toEqual([discordChannel.key]);
    expect(goCount(discord.latestCard("R-1"))).toBe(1);
    // Once: a later change edits that copy, it posts no other.
    await say(core, "carol", "vote R-1 go");
    await core.settle();
    expect(discord.posts).toHaveLength(1);
    expect(goCount(discord.latestCard("R-1"))).toBe(2);
  });

  it("once it connects, edits only its own copies: the connected platforms' copies, already up to date, are not edited again", async () => {
    const core = createTestCore();
    cores.push(core);
    const terminal = createRecordingSurface("terminal");
    const discord = createRecordingSurface("discord", 1000);
    core.bot.attachSurface(terminal.surface);
    core.bot.attachSurface(discord.surface, { connected: false });
    await core.bot.start();
    await say(core, "alice", "create payments 1.4.2 at in 2h");
    await say(core, "alice", "create search 2.0.0 at in 3h");
    await shareToDiscord(core, "R-1");
    await say(core, "bob", "vote R-1 go");
    await say(core, "bob", "vote R-2 go");
    core.clock.advance(10 * MIN);
    await core.settle();
    const terminalEdits = terminal.updates.length;
    expect(goCount(terminal.latestCard("R-1"))).toBe(1);

    core.bot.surfaceConnected("discord");
    core.clock.advance(MIN);
    await core.settle();
    expect(goCount(discord.latestCard("R-1"))).toBe(1);
    expect(terminal.updates).toHaveLength(terminalEdits);
  });

  it("after a restart during its outage, its copies catch up with the votes and reminders of the outage once it connects, however long it lasted", async () => {
    const before = createTestCore();
    const discordBefore = createRecordingSurface("discord", 1000);
    before.bot.attachSurface(createRecordingSurface("terminal").surface);
    before.bot.attachSurface(discordBefore.surface);
    await before.bot.start();
    await say(before, "alice", "create payments 1.4.2 at in 30m");
    await shareToDiscord(before, "R-1");
    await before.settle();
    expect(discordBefore.posts).toHaveLength(1);

    const core = await before.reopen();
    cores.push(core);
    const terminal = createRecordingSurface("terminal");
    const discord = createRecordingSurface("discord", 1000);
    core.bot.attachSurface(terminal.surface);
    core.bot.attachSurface(discord.surface, { connected: false });
    await core.bot.start();
    await say(core, "bob", "vote R-1 go");
    core.clock.advance(15 * MIN);
    await core.bot.runDueJobs();
    // Far longer than a notice's tries would last if each sweep counted one.
    for (let i = 0; i < 4 * NOTICE_MAX_ATTEMPTS; i++) {
      core.clock.advance(4 * NOTICE_SWEEP_MS);
      await core.settle();
    }
    expect(discord.updates).toEqual([]);
    expect(discord.notices).toEqual([]);
    expect(reminders(terminal.noticeTexts("R-1"))).toHaveLength(1);

    core.bot.surfaceConnected("discord");
    await core.settle();
    expect(discord.posts).toEqual([]);
    expect(discord.updates.map((u) => u.ref.messageId)).toEqual([discordBefore.posts[0]!.messageId]);
    expect(goCount(discord.latestCard("R-1"))).toBe(1);
    expect(reminders(discord.noticeTexts("R-1"))).toHaveLength(1);
    expect(await core.store.listOutbox()).toEqual([]);
    // Never twice, under either copy.
    core.clock.advance(10 * NOTICE_SWEEP_MS);
    await core.settle();
    expect(reminders(terminal.noticeTexts("R-1"))).toHaveLength(1);
    expect(reminders(discord.noticeTexts("R-1"))).toHaveLength(1);
  });
});

describe("notices waiting for a platform still connecting", () => {
  it("do not keep a notice whose post failed on a connected platform from being tried again, however many wait", async () => {
    const core = createTestCore();
    cores.push(core);
    const terminal = createRecordingSurface("terminal");
    let failNext = false;
    const flaky = Object.create(terminal.surface) as typeof terminal.surface;
    flaky.postNotice = async (ref, notice) => {
      if (failNext) {
        failNext = false;
        throw new Error("connection reset");
      }
      return terminal.surface.postNotice(ref, notice);
    };
    core.bot.attachSurface(flaky);
    core.bot.attachSurface(createRecordingSurface("discord", 1000).surface, { connected: false });
    await core.bot.start();
    await say(core, "alice", "create payments 1.4.2 at in 6h");
    // More channel notices for the platform still connecting than one sweep takes (50).
    for (let i = 0; i < 60; i++) await say(core, "admin", `lock svc${i} reason incident ${i}`, discordChannel);
    core.clock.advance(4 * 60 * MIN);
    await core.bot.runDueJobs();
    await core.settle();
    expect(await core.store.listOutbox()).toHaveLength(60);

    // The T-1h reminder's first post fails (a blip on the connected platform).
    failNext = true;
    core.clock.advance(60 * MIN);
    await core.bot.runDueJobs();
    await core.settle();
    expect(terminal.noticeTexts("R-1")).toEqual([]);
    for (let i = 0; i < 4; i++) {
      core.clock.advance(NOTICE_SWEEP_MS);
      await core.settle();
    }
    expect(terminal.noticeTexts("R-1").filter((t) => t.startsWith("⏰ T-1h"))).toHaveLength(1);
  });
});

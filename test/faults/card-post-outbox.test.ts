import { afterEach, describe, expect, it } from "vitest";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import type { ChannelRef } from "../../src/domain/types.js";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { discordChannel, shareToDiscord } from "../helpers/discord-share.js";

const MIN = 60_000;

let cores: TestCore[] = [];
afterEach(async () => {
  for (const core of cores) await core.close();
  cores = [];
});

const say = (core: TestCore, who: string, text: string, where: ChannelRef = channel) => core.bot.handle({ kind: "command", actor: person(who), channel: where, text });

/** A chat platform whose API answers every post with an error (an outage), until `recover`. */
function failingChat(platform = "terminal") {
  const chat = createRecordingSurface(platform);
  const post = chat.surface.postCard.bind(chat.surface);
  let down = true;
  chat.surface.postCard = (where, card) => (down ? Promise.reject(new Error("500 internal_error")) : post(where, card));
  return { ...chat, recover: () => (down = false) };
}

/** Moves the fake clock on by `ms` a minute at a time, letting what fell due run (a post's few seconds of retries included). */
async function pass(core: TestCore, ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= MIN) {
    core.clock.advance(Math.min(MIN, left));
    await core.bot.runDueJobs();
    await core.settle();
  }
}

describe("a card owed to a channel outlives the process (posts go through the outbox)", () => {
  it("a card whose platform had not connected when gonogo stopped is posted by the next run once it connects, with the votes cast meanwhile", async () => {
    const first = createTestCore();
    const waiting = createRecordingSurface();
    first.bot.attachSurface(waiting.surface, { connected: false });
    await first.bot.start();
    await say(first, "alice", "create payments 1.4.2 at in 2h");
    await say(first, "bob", "vote R-1 go");
    await first.settle();
    expect(waiting.posts).toEqual([]);

    const second = await first.reopen();
    cores.push(second);
    const chat = createRecordingSurface();
    second.bot.attachSurface(chat.surface, { connected: false });
    await second.bot.start();
    second.bot.surfaceConnected("terminal");
    await second.settle();
    expect(chat.posts.map((p) => p.card.releaseId)).toEqual(["R-1"]);
    expect(chat.latestCard("R-1")?.tally.go).toBe(1);
  });

  it("a card whose posts kept failing is posted by the next run, once, and its copy is the one later votes edit", async () => {
    const first = createTestCore();
    const down = failingChat();
    first.bot.attachSurface(down.surface);
    await first.bot.start();
    await say(first, "alice", "create payments 1.4.2 at in 2h");
    await first.settle();
    expect(down.posts).toEqual([]);

    const second = await first.reopen();
    cores.push(second);
    const chat = createRecordingSurface();
    second.bot.attachSurface(chat.surface);
    await second.bot.start();
    await second.settle();
    expect(chat.posts.map((p) => p.card.releaseId)).toEqual(["R-1"]);
    await say(second, "bob", "vote R-1 go");
    await second.settle();
    expect(chat.posts).toHaveLength(1);
    expect(chat.latestCard("R-1")?.tally.go).toBe(1);

    // A third run has nothing owed: the card is not posted twice.
    const third = await second.reopen();
    cores.push(third);
    const again = createRecordingSurface();
    third.bot.attachSurface(again.surface);
    await third.bot.start();
    await third.settle();
    expect(again.posts).toEqual([]);
  });

  it("a card posted and recorded whose outbox row could not be crossed off (its connection went silent) is not posted a second time by the next sweep", async () => {
    // Crossing the row off fails, as a DELETE does on a connection to a primary that vanished.
    const first = createTestCore({ wrapStore: (store) => ({ ...store, deleteFromOutbox: () => Promise.reject(new Error("Query read timeout")) }) });
    const chat = createRecordingSurface();
    first.bot.attachSurface(chat.surface);
    await first.bot.start();
    await say(first, "alice", "create payments 1.4.2 at in 2h");
    await first.settle();
    expect(chat.posts.map((p) => p.card.releaseId)).toEqual(["R-1"]);

    const second = await first.reopen();
    cores.push(second);
    const same = createRecordingSurface();
    second.bot.attachSurface(same.surface);
    await second.bot.start();
    await second.settle();
    // The channel has its card already: a second one would split the votes' thread in two.
    expect(same.posts).toEqual([]);
    await say(second, "bob", "vote R-1 go");
    await second.settle();
    expect(same.posts).toEqual([]);
    expect(same.latestCard("R-1")?.tally.go).toBe(1);
  });

  it("a card posted whose copy could not be recorded at once (the database failing over) is recorded on a later try, not posted again", async () => {
    let lost = 1;
    const first = createTestCore({ wrapStore: (store) => ({ ...store, addMessageRef: (id, ref) => (lost-- > 0 ? Promise.reject(new Error("Query read timeout")) : store.addMessageRef(id, ref)) }) });
    cores.push(first);
    const chat = createRecordingSurface();
    first.bot.attachSurface(chat.surface);
    await first.bot.start();
    await say(first, "alice", "create payments 1.4.2 at in 2h");
    await first.settle();
    await say(first, "bob", "vote R-1 go");
    await first.settle();
    expect(chat.posts.map((p) => p.card.releaseId)).toEqual(["R-1"]);
    expect(chat.latestCard("R-1")?.tally.go).toBe(1);
  });

  it("keeps trying a post that fails through an outage of half an hour, without waiting for the release's next change", async () => {
    const core = createTestCore();
    cores.push(core);
    const chat = failingChat();
    core.bot.attachSurface(chat.surface);
    await core.bot.start();
    await say(core, "alice", "create payments 1.4.2 at in 2h");
    await pass(core, 30 * MIN);
    expect(chat.posts).toEqual([]);
    chat.recover();
    await pass(core, 10 * MIN);
    expect(chat.posts.map((p) => p.card.releaseId)).toEqual(["R-1"]);
  });

  it("a card shared into a platform that was still connecting is posted there by the next run", async () => {
    const first = createTestCore();
    first.bot.attachSurface(createRecordingSurface().surface);
    first.bot.attachSurface(createRecordingSurface("discord", 1000).surface, { connected: false });
    await first.bot.start();
    await say(first, "alice", "create payments 1.4.2 at in 2h");
    await shareToDiscord(first, "R-1");
    await first.settle();

    const second = await first.reopen();
    cores.push(second);
    const discord = createRecordingSurface("discord", 1000);
    second.bot.attachSurface(createRecordingSurface().surface);
    second.bot.attachSurface(discord.surface, { connected: false });
    await second.bot.start();
    second.bot.surfaceConnected("discord");
    await second.settle();
    expect(discord.posts.map((p) => p.channel.key)).toEqual([discordChannel.key]);
  });
});

describe("a notice about a release whose card is still owed", () => {
  it("waits for the card and is posted under it once it is out, instead of going nowhere", async () => {
    const core = createTestCore();
    cores.push(core);
    const chat = failingChat();
    core.bot.attachSurface(chat.surface);
    await core.bot.start();
    await say(core, "alice", "create payments 1.4.2 at in 2h");
    await core.settle();
    await say(core, "alice", "hold R-1 waiting for QA");
    await pass(core, 2 * MIN);
    expect(chat.posts).toEqual([]);
    chat.recover();
    await pass(core, 10 * MIN);
    expect(chat.posts.map((p) => p.card.releaseId)).toEqual(["R-1"]);
    expect(chat.noticeTexts("R-1").filter((t) => t.includes("on hold"))).toHaveLength(1);
  });
});

describe("a notice about a release whose card is out on one platform and still owed on another", () => {
  it("is posted under the copy that is out now, and under the other once it is posted", async () => {
    const core = createTestCore();
    cores.push(core);
    const terminal = createRecordingSurface();
    const discord = createRecordingSurface("discord", 1000);
    core.bot.attachSurface(terminal.surface);
    core.bot.attachSurface(discord.surface, { connected: false });
    await core.bot.start();
    await say(core, "alice", "create payments 1.4.2 at in 2h");
    await shareToDiscord(core, "R-1");
    await say(core, "alice", "hold R-1 waiting for QA");
    await pass(core, MIN);
    expect(terminal.noticeTexts("R-1").filter((t) => t.includes("on hold"))).toHaveLength(1);

    core.bot.surfaceConnected("discord");
    await pass(core, MIN);
    expect(discord.posts.map((p) => p.channel.key)).toEqual([discordChannel.key]);
    expect(discord.noticeTexts("R-1").filter((t) => t.includes("on hold"))).toHaveLength(1);
    expect(terminal.noticeTexts("R-1").filter((t) => t.includes("on hold"))).toHaveLength(1);
  });
});

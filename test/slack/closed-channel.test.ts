import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeCall } from "../../fakes/slack-api.js";
import { startHarness, visibleText, type Harness } from "./harness.js";

/** A private channel the bot was not invited to. */
const PRIVATE = "G0PRIVATE";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const postsTo = (channel: string): FakeCall[] => h.fake.callsTo("chat.postMessage").filter((c) => c.params.channel === channel);
const dmsTo = (user: string): FakeCall[] => postsTo(`D${user.replace(/^U/, "")}`);

describe("Slack: a card in a private channel the bot is not in", () => {
  it.each(["not_in_channel", "channel_not_found"] as const)("is not retried (%s); the manager is told privately to invite the bot and share it (once, and again each time they ask), which then posts it", async (error) => {
    h.fake.keepOut(PRIVATE, error);
    const created = await h.slash("UMGR", "create payments 1.4.2 at in 2h", { channel: PRIVATE });
    expect(JSON.stringify(created.body)).toContain("R-1");
    await h.core.bot.idle();

    // One attempt: Slack's answer is not going to change by itself.
    expect(postsTo(PRIVATE)).toHaveLength(1);
    expect((await h.core.store.listMessageRefs("R-1"))).toEqual([]);
    // The manager hears why, in a direct message from the app.
    expect(h.fake.callsTo("conversations.open").map((c) => c.params.users)).toEqual(["UMGR"]);
    const [dm, ...more] = dmsTo("UMGR");
    expect(more).toEqual([]);
    expect(visibleText(dm!)).toContain(`I can't post R-1's card in <#${PRIVATE}> (a private channel I'm not in): \`/invite @gonogo\` there, then \`/release share R-1\`.`);
    expect(dm!.params.text).toContain("I can't post R-1's card in");
    // Not an error for an operator to chase: a warning naming Slack's answer.
    expect(h.core.logs.filter((l) => l.level === "error")).toEqual([]);
    expect(h.core.logs).toContainEqual(expect.objectContaining({ level: "warn", obj: expect.objectContaining({ err: expect.stringContaining(error) }) }));

    // Later changes to the release do not try again, and say nothing more.
    await h.slash("UQA", "vote R-1 go");
    await h.core.bot.idle();
    expect(postsTo(PRIVATE)).toHaveLength(1);
    // Sharing before the bot is let in tries once more; the manager asked this time, so they hear why again.
    await h.slash("UMGR", "share R-1", { channel: PRIVATE });
    await h.core.bot.idle();
    expect(postsTo(PRIVATE)).toHaveLength(2);
    expect(dmsTo("UMGR")).toHaveLength(2);

    // `/invite @gonogo`, then `/release share R-1`: the card is posted and kept up to date.
    h.fake.invite(PRIVATE);
    await h.slash("UMGR", "share R-1", { channel: PRIVATE });
    await h.core.bot.idle();
    const card = postsTo(PRIVATE).at(-1)!;
    expect(card.result).toMatchObject({ ok: true });
    expect(visibleText(card)).toContain("*GO* (1)");
    expect((await h.core.store.listMessageRefs("R-1")).map((r) => r.channel.nativeId)).toEqual([PRIVATE]);
    expect(dmsTo("UMGR")).toHaveLength(2);
  });

  it("someone who shares a card into a private channel the bot is not in is told why no card came, and what to do", async () => {
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    await h.core.bot.idle();
    h.fake.keepOut(PRIVATE);
    const shared = await h.slash("UDEV", "share R-1", { channel: PRIVATE });
    expect(JSON.stringify(shared.body)).toContain("Posting R-1's card here.");
    await h.core.bot.idle();
    // The answer said a card was coming and none did: the one who asked hears why, privately.
    const [dm, ...more] = dmsTo("UDEV");
    expect(more).toEqual([]);
    expect(visibleText(dm!)).toContain(`I can't post R-1's card in <#${PRIVATE}> (a private channel I'm not in): \`/invite @gonogo\` there, then \`/release share R-1\`.`);
    // The manager did not ask for this copy and is not bothered about it.
    expect(dmsTo("UMGR")).toEqual([]);
    // Asking again before the bot is let in answers again: each ask gets its answer.
    await h.slash("UDEV", "share R-1", { channel: PRIVATE });
    await h.core.bot.idle();
    expect(dmsTo("UDEV")).toHaveLength(2);
  });

  it("a card that fails for another reason is still retried, and nobody is sent a direct message", async () => {
    h.fake.failNext("chat.postMessage", { error: "internal_error" }, 1);
    await h.slash("UMGR", "create payments 1.4.2 at in 2h", { channel: PRIVATE });
    await h.core.bot.idle();
    expect(postsTo(PRIVATE).map((c) => c.result?.ok)).toEqual([false, true]);
    expect(h.fake.callsTo("conversations.open")).toEqual([]);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { replyLineText, type Reply } from "../../src/app/views.js";

const HOUR = 3_600_000;
let core: TestCore;
afterEach(async () => core?.close());

const text = (r: Reply) => (r.type === "message" ? [r.text, ...(r.lines ?? []).map(replyLineText)].join("\n") : r.type);
const state = async (id: string) => (await core.store.getRelease(id))?.state;

/** A GO R-1 inside a 3-hour freeze, in a channel that wants two people to ship inside a freeze; `rel` and `rel2` are release-managers. */
async function frozenGoRelease() {
  core = createTestCore({ now: Date.UTC(2030, 0, 15, 9) });
  const chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  const say = (who: string, line: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text: line });
  await say("admin", "role grant rel release-manager");
  await say("admin", "role grant rel2 release-manager");
  await say("admin", "policy set override_approvers=2");
  await say("rel", "freeze add now until in 3h reason incident 42");
  await say("alice", "create payments 1.4.2");
  await say("bob", "vote R-1 go");
  await say("carol", "vote R-1 go");
  return { chat, say };
}

describe("override_approvers=2: shipping inside a freeze takes two people", () => {
  it("records the first request and ships on the second, from a different person; the thread, card and audit trail name both", async () => {
    const { chat, say } = await frozenGoRelease();
    expect(text(await say("alice", "ship R-1"))).toContain("or two admins or release-managers agree to ship it anyway, each with `/release ship R-1 override <reason>`");

    const first = await say("rel", "ship R-1 override hotfix for the outage");
    expect(text(first)).toContain("Asked: R-1 ships inside freeze 'incident 42' once a second admin or release-manager (not you) runs `/release ship R-1 override <reason>`");
    expect(await state("R-1")).toBe("voting");
    await core.bot.idle();
    expect(chat.noticeTexts("R-1").join("\n")).toContain("🔐 rel asks to ship R-1 inside freeze 'incident 42': hotfix for the outage. This channel needs a second admin or release-manager");

    const again = await say("rel", "ship R-1 override really, it is urgent");
    expect(text(again)).toContain("You asked already to ship R-1 inside freeze 'incident 42'");
    expect(await state("R-1")).toBe("voting");

    // A plain user cannot be the second pair of eyes.
    expect(await say("bob", "ship R-1 override agreed")).toMatchObject({ error: true, text: expect.stringContaining("Only release-managers and admins may ship inside a freeze") });
    expect(await state("R-1")).toBe("voting");

    await say("rel2", "ship R-1 override agreed, the fix is tested");
    expect(await state("R-1")).toBe("shipping");
    await core.bot.idle();
    expect(chat.noticeTexts("R-1").join("\n")).toContain("rel2 overrode freeze 'incident 42' to ship R-1: agreed, the fix is tested (asked by rel: hotfix for the outage)");
    expect(chat.latestCard("R-1")?.guards).toEqual([expect.objectContaining({ kind: "override", text: "freeze 'incident 42' overridden by rel and rel2 — rel: hotfix for the outage; rel2: agreed, the fix is tested" })]);
    const timeline = text(await say("alice", "audit R-1"));
    expect(timeline).toContain("asked to ship inside freeze 'incident 42' (override, waiting for a second person): hotfix for the outage");
    expect(timeline).toContain("shipped inside freeze 'incident 42' (override): agreed, the fix is tested (second to rel, who asked: hotfix for the outage)");
  });

  it("calls the release manager to a request someone else made, and not when the manager asked themselves", async () => {
    const { chat, say } = await frozenGoRelease();
    await say("rel", "ship R-1 override hotfix for the outage");
    await core.bot.idle();
    expect(chat.notices.find((n) => n.notice.text.startsWith("🔐"))?.notice.mention).toEqual(["terminal:alice"]);
    await say("rel", "create search 2.0.0 manager rel");
    await say("bob", "vote R-2 go");
    await say("carol", "vote R-2 go");
    await say("rel", "ship R-2 override same outage");
    await core.bot.idle();
    const asked = chat.notices.filter((n) => n.notice.text.startsWith("🔐 rel asks to ship R-2"));
    expect(asked).toHaveLength(1);
    expect(asked[0]!.notice.mention).toEqual([]);
  });

  it("tells whoever tries to ship while a request stands who asked and why, so a second person knows theirs ships it", async () => {
    const { say } = await frozenGoRelease();
    await say("rel", "ship R-1 override hotfix for the outage");
    const refused = await say("rel2", "ship R-1");
    expect(refused).toMatchObject({ error: true });
    expect(text(refused)).toBe(
      "R-1 cannot ship now: in freeze 'incident 42' until Tue 15 Jan 12:00 (UTC). Wait until then; rel asked to ship it anyway (hotfix for the outage): a second admin or release-manager who agrees ships it with `/release ship R-1 override <reason>`.",
    );
    // The one who asked hears that it is not theirs to second.
    expect(text(await say("rel", "ship R-1"))).toContain("Wait until then; you asked to ship it anyway (hotfix for the outage): a second admin or release-manager who agrees ships it with");
    expect(await state("R-1")).toBe("voting");
  });

  it("does not carry a request over to a changed release or to the next freeze", async () => {
    const { say } = await frozenGoRelease();
    await say("rel", "ship R-1 override hotfix");
    await say("alice", "update R-1 version 1.4.3");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    // The request was for 1.4.2: the second person starts a new one instead of shipping.
    expect(text(await say("rel2", "ship R-1 override agreed"))).toContain("Asked: R-1 ships inside freeze");
    expect(await state("R-1")).toBe("voting");

    core.clock.advance(4 * HOUR);
    await say("rel", "freeze add now until in 2h reason incident 43");
    expect(text(await say("rel", "ship R-1 override still needed"))).toContain("Asked: R-1 ships inside freeze 'incident 43'");
    expect(await state("R-1")).toBe("voting");
  });

  it("with the default (1) one admin or release-manager ships at once, as before", async () => {
    const { say } = await frozenGoRelease();
    await say("admin", "policy set override_approvers=1");
    await say("rel", "ship R-1 override hotfix");
    expect(await state("R-1")).toBe("shipping");
  });

  it("refuses a value other than 1 or 2, saying what it takes", async () => {
    const { say } = await frozenGoRelease();
    expect(text(await say("admin", "policy set override_approvers=3"))).toContain("override_approvers takes 1 or 2 (2: shipping inside a freeze needs two different admins or release-managers to ask)");
    expect(text(await say("alice", "policy"))).toContain("override_approvers=2 (people who must ask to ship inside a freeze)");
  });
});

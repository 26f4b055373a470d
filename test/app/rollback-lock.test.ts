import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";

/** The deploy lock a confirmed rollback sets is said in the release's thread, where the channel reads it. */

let core: TestCore;
afterEach(async () => core?.close());

async function shipped() {
  core = createTestCore({ config: { timezone: "UTC" } });
  const chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
  await say("admin", "role grant oscar oncall");
  await say("admin", "role grant rel release-manager");
  await say("alice", "create payments 1.4.2");
  for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
  await say("alice", "ship R-1");
  await say("alice", "shipped R-1");
  return { chat, say };
}

const rollbackNotice = (chat: ReturnType<typeof createRecordingSurface>) => chat.notices.map((n) => n.notice).find((n) => n.text.startsWith("⏪ oscar is rolling back R-1"));

describe("the lock a rollback sets", () => {
  it("is told in the thread with the unlock command and who may run it, calling the release manager", async () => {
    const { chat } = await shipped();
    await core.bot.handle({ kind: "form", actor: person("oscar"), channel, form: "rollback", releaseId: "R-1", values: { reason: "error rate 5x" } });
    await core.bot.idle();
    const told = rollbackNotice(chat)!;
    expect(told.text).toBe(
      "⏪ oscar is rolling back R-1 (payments 1.4.2): error rate 5x\n🔒 payments production is now locked: nothing else ships there (releases are held at T-0, `/release ship` is refused) until a release-manager, an admin or alice (R-1's manager) lifts it with `/release unlock payments production reason <text>`.",
    );
    expect(told.mention).toEqual(["terminal:alice"]);
  });

  it("says a lock set by hand before stays, and who lifts that one", async () => {
    const { chat, say } = await shipped();
    await say("rel", "lock payments reason incident 7");
    await say("oscar", "rollback R-1 error rate 5x");
    await core.bot.idle();
    expect(rollbackNotice(chat)!.text).toContain(
      "🔒 payments production is locked by rel: incident 7; it stays locked until a release-manager or an admin lifts it with `/release unlock payments production reason <text>`.",
    );
  });

  it("names the rolled-back release's manager among those who may lift it, when a new release is created or shipped under it", async () => {
    const { say } = await shipped();
    await say("oscar", "rollback R-1 error rate 5x");
    await say("oscar", "recovered R-1");
    const who = "until a release-manager, an admin or alice (R-1's manager) lifts it with `/release unlock payments production reason <text>`.";
    const created = await say("alice", "create payments 1.4.3");
    expect(created.type === "message" && created.text).toContain(who);
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-2 go");
    const refused = await say("alice", "ship R-2");
    expect(refused).toMatchObject({ error: true });
    expect(refused.type === "message" && refused.text).toContain(`It stays locked ${who}`);
  });

  it("reminds, once the service is restored, that the lock stays until someone lifts it, and who may", async () => {
    const { chat, say } = await shipped();
    await say("oscar", "rollback R-1 error rate 5x");
    const restored = await say("oscar", "recovered R-1");
    await core.bot.idle();
    const stays = "payments production stays locked until a release-manager, an admin or alice (R-1's manager) lifts it with `/release unlock payments production reason <text>`.";
    expect(restored.type === "message" && restored.text).toContain(stays);
    expect(chat.notices.map((n) => n.notice.text).find((t) => t.startsWith("🩹"))).toContain(stays);
    // Lifted meanwhile: nothing to remind of.
    await say("rel", "unlock payments reason fixed");
    await say("alice", "create payments 1.4.3");
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-2 go");
    await say("alice", "ship R-2");
    await say("alice", "shipped R-2");
    await say("oscar", "rollback R-2 again");
    await say("rel", "unlock payments reason fixed for real");
    const quiet = await say("oscar", "recovered R-2");
    expect(quiet.type === "message" && quiet.text).not.toContain("locked");
  });
});

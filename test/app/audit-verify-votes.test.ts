import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { pausingReads } from "../helpers/pausing-reads.js";
import type { WebScope } from "../../src/app/web-link.js";
import type { Reply } from "../../src/app/views.js";

/** A walk of the audit chain of a large trail takes seconds: the votes pressed meanwhile must not wait for it. */

let core: TestCore;
afterEach(async () => core?.close());
const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const textOf = (r: Reply) => (r.type === "message" ? r.text : "");
const terminal: WebScope = { kind: "workspace", platform: "terminal", scope: "local" };
const numbers = () => core.bot.webRead({ kind: "web_numbers", scope: terminal, service: null, days: 30, checkAudit: true });
const press = (who: string) => core.bot.handle({ kind: "button", actor: person(who), channel, releaseId: "R-1", action: "go" });


/** A release with one GO, and the trail's length then. */
async function oneVote(): Promise<number> {
  await say("alice", "create payments 1.4.2");
  await say("bob", "vote R-1 go");
  return (await core.store.verifyAudit()).count;
}

/**
 * Starts `ask` (a walk of the audit chain) after one vote, holds the walk, presses a vote meanwhile
 * and then lets the walk go on: which came first, the vote's answer or the walk's hold on the writer.
 */
async function voteDuringWalk<T>(ask: () => Promise<T>) {
  let walks!: ReturnType<typeof pausingReads>;
  core = createTestCore({ wrapStore: (store) => (walks = pausingReads(store, { tx: "verifyAudit", snapshot: "verifyAudit" })).store });
  const before = await oneVote();
  const asked = ask();
  await walks.paused;
  const vote = press("carol");
  const first = await Promise.race([vote.then(() => "the vote is answered"), walks.writerBusy.then(() => "the vote waits for the walk")]);
  walks.resume();
  return { before, asked, first, vote };
}

describe("a walk of the audit chain in progress", () => {
  it("/release audit verify does not hold up a vote: the vote is answered while it walks, and it reports the chain as it stood when asked", async () => {
    const { before, asked: verifying, first, vote } = await voteDuringWalk(() => say("admin", "audit verify"));
    expect(first).toBe("the vote is answered");
    expect(textOf(await vote)).toContain("Decision: GO");
    const report = await verifying;
    expect(report).toMatchObject({ error: false, text: expect.stringMatching(new RegExp(`^Audit trail intact: ${before} events, every link verified\\. Head: \`\\d+:[0-9a-f]{64}\``)) });
    // Carol's vote came after the moment it walked, and is in the chain now.
    expect((await core.store.verifyAudit()).count).toBeGreaterThan(before);
  });

  it("the web view's numbers page does not hold up a vote either, and shows the chain as it stood when asked", async () => {
    const { before, asked: page, first, vote } = await voteDuringWalk(numbers);
    expect(first).toBe("the vote is answered");
    expect(textOf(await vote)).toContain("Decision: GO");
    const shown = await page;
    expect(shown.audit).toMatchObject({ ok: true, count: before });
    expect(shown.stats.releases).toBe(1);
  });

  it("reports a tampered trail on the numbers page as before: where it broke and why", async () => {
    core = createTestCore();
    await oneVote();
    core.db.sqlite.exec("DROP TRIGGER audit_events_no_update");
    core.db.sqlite.prepare("UPDATE audit_events SET actor = 'terminal:mallory' WHERE id = 2").run();
    expect((await numbers()).audit).toEqual({ ok: false, count: 2, brokenAt: 2, problem: "row 2 was changed after it was written" });
  });

  it("failing on our side while it walks for the numbers page, fails the page with an error id, and logs it", async () => {
    core = createTestCore({
      wrapStore: (store) => ({
        ...store,
        readSnapshot: (fn) => store.readSnapshot((snapshot) => fn({ ...snapshot, verifyAudit: () => Promise.reject(new Error("disk I/O error")) })),
      }),
    });
    await oneVote();
    const failed = await numbers().then(
      () => null,
      (err: unknown) => err,
    );
    expect(failed).toMatchObject({ name: "InternalFailure", errorId: expect.stringMatching(/^\w+$/) });
    expect(core.logs).toContainEqual(expect.objectContaining({ level: "error", obj: expect.objectContaining({ errorId: (failed as { errorId: string }).errorId, kind: "web_numbers", err: expect.stringContaining("disk I/O error") }) }));
  });
});

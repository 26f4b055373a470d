import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { pausingReads } from "../helpers/pausing-reads.js";
import type { Reply } from "../../src/app/views.js";

/** An export of a large trail takes seconds to read: the votes pressed meanwhile must not wait for it. */

let core: TestCore;
afterEach(async () => core?.close());
const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const textOf = (r: Reply) => (r.type === "message" ? r.text : "");

describe("an audit export being built", () => {
  it("does not hold up a vote: the vote is committed and answered while the export reads, and the export is of the moment it was asked", async () => {
    let exports!: ReturnType<typeof pausingReads>;
    core = createTestCore({ wrapStore: (store) => (exports = pausingReads(store, { tx: "listAuditRange", snapshot: "auditPage" })).store });
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-1 go");

    const exporting = say("admin", "audit export");
    await exports.paused;
    const vote = core.bot.handle({ kind: "button", actor: person("carol"), channel, releaseId: "R-1", action: "go" });
    const first = await Promise.race([vote.then(() => "the vote is answered"), exports.writerBusy.then(() => "the vote waits for the export")]);
    exports.resume();

    expect(first).toBe("the vote is answered");
    expect(textOf(await vote)).toContain("Decision: GO");
    expect((await core.store.getVote("R-1", "terminal:carol"))?.choice).toBe("go");
    // One moment of the trail, the one asked for: carol's vote came after it.
    const exported = await exporting;
    expect(textOf(exported)).toContain("Audit export: 2 events");
    const json = JSON.parse(exported.type === "message" ? exported.files![1]!.content : "[]") as Array<{ type: string; actor: string }>;
    expect(json.map((e) => `${e.actor} ${e.type}`)).toEqual(["terminal:alice release_created", "terminal:bob vote_cast"]);
  });

  it("failing on our side while it reads, answers with the apology and an error id, as any failure does, and logs it", async () => {
    core = createTestCore({
      wrapStore: (store) => ({
        ...store,
        readSnapshot: (fn) => store.readSnapshot((snapshot) => fn({ ...snapshot, auditPage: () => Promise.reject(new Error("disk I/O error")) })),
      }),
    });
    await say("alice", "create payments 1.4.2");
    const r = await say("admin", "audit export");
    expect(r).toMatchObject({ error: true, text: expect.stringMatching(/^Sorry, something went wrong on our side \(error id \w+\)\. Nothing was changed; please try again/) });
    const errorId = /error id (\w+)/.exec(textOf(r))![1];
    expect(core.logs).toContainEqual(expect.objectContaining({ level: "error", obj: expect.objectContaining({ errorId, err: expect.stringContaining("disk I/O error") }) }));
  });
});

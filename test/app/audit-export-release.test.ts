import { afterEach, describe, expect, it } from "vitest";
import { admins, channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import type { Reply } from "../../src/app/views.js";

/** `/release audit export R-1`: one release's events as files, not the whole workspace's. */

let core: TestCore;
afterEach(async () => core?.close());
const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const textOf = (r: Reply) => (r.type === "message" ? r.text : "");
const filesOf = (r: Reply) => (r.type === "message" ? (r.files ?? []) : []);

describe("audit export of one release", () => {
  it("holds every event of that release and nothing else, even from before the last 30 days", async () => {
    core = createTestCore({ config: { admins: admins("terminal:admin") } });
    await say("alice", "create payments 1.4.2 at in 60d");
    await say("bob", "vote R-1 go");
    await say("alice", "create search 2.0.0");
    await say("bob", "vote R-2 no-go flaky");
    core.clock.advance(40 * 86_400_000);
    await say("carol", "vote R-1 no-go migration not tested");

    const r = await say("admin", "audit export R-1");
    expect(textOf(r)).toContain("Audit export of R-1: 3 events");
    expect(filesOf(r).map((f) => f.name)).toEqual(["gonogo-audit-R-1.csv", "gonogo-audit-R-1.json"]);
    const json = JSON.parse(filesOf(r)[1]!.content) as Array<{ releaseId: string; type: string }>;
    expect(json.map((e) => [e.releaseId, e.type])).toEqual([
      ["R-1", "release_created"],
      ["R-1", "vote_cast"],
      ["R-1", "vote_cast"],
    ]);
  });

  it("refuses dates given with a release id, saying what each form exports", async () => {
    core = createTestCore({ config: { admins: admins("terminal:admin") } });
    await say("alice", "create payments 1.4.2");
    const r = await say("admin", "audit export R-1 2030-01-01");
    expect(r).toMatchObject({ error: true });
    expect(textOf(r)).toContain("`/release audit export R-1` exports every event of R-1");
    expect(textOf(r)).toContain("`/release audit export 2030-01-01 2030-01-31`");
  });

  it("is refused, as a whole export is, to someone neither admin nor release-manager", async () => {
    core = createTestCore({ config: { admins: admins("terminal:admin") } });
    await say("alice", "create payments 1.4.2");
    expect(await say("bob", "audit export R-1")).toMatchObject({ error: true, text: expect.stringContaining("Only admins and release-managers") });
  });
});

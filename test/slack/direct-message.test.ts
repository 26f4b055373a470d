import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness.js";

/**
 * A release lives where its card is: created in a direct message, only that conversation
 * could see and vote on it, and its service would be decided there from then on.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const DM = "D0123ABC";

describe("Slack: /release in a direct message", () => {
  it("refuses to create or share a release there, saying to run it in a channel; nothing is created", async () => {
    const created = JSON.stringify((await h.slash("UMGR", "create payments 1.4.2", { channel: DM })).body);
    expect(created).toContain("Run `/release create` in a channel where your team votes");
    const bare = await h.slash("UMGR", "", { channel: DM });
    expect(JSON.stringify(bare.body)).toContain("Run `/release create` in a channel where your team votes");
    await h.slash("UMGR", "create payments 1.4.2");
    const shared = JSON.stringify((await h.slash("UMGR", "share R-1", { channel: DM })).body);
    expect(shared).toContain("Run `/release share R-1` in a channel where your team votes");
    await h.core.bot.idle();
    expect(h.fake.callsTo("views.open")).toHaveLength(0);
    expect(h.fake.callsTo("chat.postMessage").map((c) => c.params.channel)).toEqual(["C1"]);
    expect((await h.core.store.listReleases({})).map((r) => r.channel.nativeId)).toEqual(["C1"]);
  });

  it("still answers what reads or votes by id there", async () => {
    await h.slash("UMGR", "create payments 1.4.2");
    expect(JSON.stringify((await h.slash("UDEV", "status R-1", { channel: DM })).body)).toContain("Status of R-1");
    expect(JSON.stringify((await h.slash("UDEV", "vote R-1 go", { channel: DM })).body)).toContain("Your GO on R-1 is in");
  });
});

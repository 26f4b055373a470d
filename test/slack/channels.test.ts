import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHANNEL, startHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ config: { timezone: "Europe/Berlin" } });
});
afterEach(async () => {
  await h.close();
});

describe("Slack: replies name channels as links", () => {
  it("refuses a release of a service decided in another channel, naming that channel as a link", async () => {
    await h.slash("UMGR", "create payments 1.4.2");
    const refused = JSON.stringify((await h.slash("UDEV", "create payments 1.4.3", { channel: "C2OTHER" })).body);
    expect(refused).toContain(":warning:");
    expect(refused).toContain(`payments → production is decided in <#${CHANNEL}>: its last release, R-1, was created there`);
    expect((await h.core.store.listReleases({})).map((r) => r.id)).toEqual(["R-1"]);
  });
});

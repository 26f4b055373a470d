import { afterEach, describe, expect, it } from "vitest";
import type { WebScope } from "../../src/app/web-link.js";
import { channel, createTestCore, person, T0, type TestCore } from "../helpers/core.js";

/* The web view's reads through the door, on a fake clock. */

let core: TestCore;
afterEach(async () => core?.close());

const terminal: WebScope = { kind: "workspace", platform: "terminal", scope: "local" };
const otherWorkspace: WebScope = { kind: "workspace", platform: "slack", scope: "T9" };
const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const MIN = 60_000;

describe("web reads", () => {
  it("tells a release's story with each reminder and what T-0 did", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2 at in 2h");
    await say("bob", "vote R-1 go");
    for (const step of [60, 45, 10, 5]) {
      core.clock.advance(step * MIN);
      await core.bot.runDueJobs();
    }
    const view = await core.bot.webRead({ kind: "web_release", scope: terminal, id: "R-1" });
    const texts = view!.timeline.map((e) => `${e.actorName}: ${e.text}`);
    expect(texts).toEqual([
      "alice: created payments 1.4.2 → production",
      "bob: voted GO",
      "gonogo: sent the T-1h reminder",
      "gonogo: sent the T-15m reminder",
      "gonogo: sent the T-5m reminder",
      "gonogo: T-0: state voting → held: T-0 came without GO: 1 of 2 GO",
    ]);
  });

  it("reads nothing of a release another workspace owns", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2");
    expect(await core.bot.webRead({ kind: "web_release", scope: otherWorkspace, id: "R-1" })).toBeNull();
    expect(await core.bot.webRead({ kind: "web_owned", scope: otherWorkspace, ids: ["R-1"] })).toEqual([]);
    const calendar = await core.bot.webRead({ kind: "web_calendar", scope: otherWorkspace, zone: null, channel: null });
    expect([...calendar.live, ...calendar.recent, ...calendar.days.flatMap((d) => d.releases)]).toEqual([]);
    expect((await core.bot.webRead({ kind: "web_numbers", scope: otherWorkspace, service: null, days: 30 })).stats.releases).toBe(0);
  });

  it("cuts calendar days in the viewer's zone: 23:30 UTC is already tomorrow in Berlin", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2 at 2030-01-15T23:30Z");
    const where = async (zone: string) => {
      const cal = await core.bot.webRead({ kind: "web_calendar", scope: terminal, zone, channel: null });
      return cal.days.find((d) => d.releases.some((r) => r.id === "R-1"))?.date;
    };
    expect(T0).toBe(Date.UTC(2030, 0, 15, 9, 0));
    expect(await where("UTC")).toBe("2030-01-15");
    expect(await where("Europe/Berlin")).toBe("2030-01-16");
    expect(await where("America/New_York")).toBe("2030-01-15");
    // An unknown zone falls back to the configured one.
    expect(await where("Mars/Olympus")).toBe("2030-01-15");
  });

  it("lists live releases off the calendar and recently ended ones apart", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2");
    await say("alice", "create search 2.0.0");
    await say("alice", "cancel R-2 not needed");
    const cal = await core.bot.webRead({ kind: "web_calendar", scope: terminal, zone: null, channel: null });
    expect(cal.live.map((r) => r.id)).toEqual(["R-1"]);
    expect(cal.recent.map((r) => r.id)).toEqual(["R-2"]);
    expect(cal.days).toHaveLength(21);
    expect(cal.freezesNow).toEqual([]);
  });
});

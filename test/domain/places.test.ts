import { describe, expect, it } from "vitest";
import { samePlace, seesRelease } from "../../src/domain/places.js";

describe("which workspace or server sees a release", () => {
  it("takes channels of one workspace or server of one platform as one place", () => {
    expect(samePlace("slack:T1:C1", "slack:T1:C9")).toBe(true);
    expect(samePlace("slack:T1:C1", "slack:T2:C1")).toBe(false);
    expect(samePlace("slack:T1:C1", "discord:T1:C1")).toBe(false);
    expect(samePlace("slack:T1:C1", "not a key")).toBe(false);
  });

  it("sees a release from any channel of a place its card is in, and from nowhere else", () => {
    const cardIn = ["slack:T1:C1", "discord:1001:4001"];
    expect(seesRelease({ channelKey: "slack:T1:C7", linked: [] }, cardIn)).toBe(true);
    expect(seesRelease({ channelKey: "discord:1001:4999", linked: [] }, cardIn)).toBe(true);
    expect(seesRelease({ channelKey: "slack:T2:C1", linked: [] }, cardIn)).toBe(false);
    expect(seesRelease({ channelKey: "terminal:local:#releases", linked: [] }, cardIn)).toBe(false);
  });

  it("lets a person see it from elsewhere through a linked account of a place that sees it, not through a group or a stranger", () => {
    const cardIn = ["slack:T1:C1"];
    expect(seesRelease({ channelKey: "discord:1001:4001", linked: ["slack:T1:UDANA"] }, cardIn)).toBe(true);
    expect(seesRelease({ channelKey: "discord:1001:4001", linked: ["slack:T2:UDANA"] }, cardIn)).toBe(false);
    expect(seesRelease({ channelKey: "discord:1001:4001", linked: ["slack-group:T1:S1"] }, cardIn)).toBe(false);
    // A terminal account has no workspace: it belongs to the terminal's channels.
    expect(seesRelease({ channelKey: "slack:T2:C1", linked: ["terminal:dana"] }, ["terminal:local:#releases"])).toBe(true);
  });
});

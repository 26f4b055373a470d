import { describe, expect, it } from "vitest";
import { parseAdmin, parseSubject, type Subject } from "../../src/domain/identity.js";
import { ofAskersPlaces, samePlace, seesRelease, subjectSees } from "../../src/domain/places.js";

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

describe("whose role bindings are a workspace's or server's business", () => {
  const subject = (id: string) => parseSubject(id) as Subject;

  it("takes people and groups of the asker's place, or of a place a linked account of theirs is in", () => {
    const asker = { channelKey: "slack:T2:C1", linked: ["discord:1001:2050"] };
    expect(ofAskersPlaces(asker, subject("slack:T2:U1"))).toBe(true);
    expect(ofAskersPlaces(asker, subject("slack-group:T2:S1"))).toBe(true);
    expect(ofAskersPlaces(asker, subject("discord-role:1001:3001"))).toBe(true);
    expect(ofAskersPlaces(asker, subject("slack:T1:U1"))).toBe(false);
    expect(ofAskersPlaces(asker, subject("discord:1002:2002"))).toBe(false);
    expect(ofAskersPlaces(asker, subject("terminal:dana"))).toBe(false);
    expect(ofAskersPlaces({ channelKey: "terminal:local:#ops", linked: [] }, subject("terminal:dana"))).toBe(true);
  });

  it("takes a GONOGO_ADMINS entry without a workspace as of every workspace of its platform", () => {
    const bare = parseAdmin("UOPS")!;
    expect(ofAskersPlaces({ channelKey: "slack:T9:C1", linked: [] }, bare)).toBe(true);
    expect(ofAskersPlaces({ channelKey: "discord:1001:4001", linked: [] }, bare)).toBe(false);
  });

  it("has a role's holder see a release whose card is in their place, or in one of their linked accounts'", () => {
    const cardIn = ["slack:T1:C1", "discord:1001:4001"];
    expect(subjectSees(subject("discord-role:1001:3001"), [], cardIn)).toBe(true);
    expect(subjectSees(subject("slack:T2:UHANK"), [], cardIn)).toBe(false);
    expect(subjectSees(subject("slack:T2:UHANK"), ["slack:T1:UHANK1"], cardIn)).toBe(true);
    expect(subjectSees(subject("terminal:dana"), [], ["terminal:local:#releases"])).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import {
  adminText,
  channelKey,
  displayName,
  inWorkspaceOf,
  isAdmin,
  parseAdmin,
  parseChannelKey,
  parseSubject,
  subjectId,
  type Person,
  type Subject,
} from "../../src/domain/identity.js";

const slackPerson: Person = { kind: "person", platform: "slack", scope: "T1", user: "U2" };

describe("the stored form of a subject", () => {
  const forms: Array<[string, Subject]> = [
    ["slack:T1:U2", slackPerson],
    ["discord:1187331275440648213:1187400000000000000", { kind: "person", platform: "discord", scope: "1187331275440648213", user: "1187400000000000000" }],
    ["terminal:dana", { kind: "person", platform: "terminal", scope: null, user: "dana" }],
    ["slack-group:T1:S9", { kind: "group", platform: "slack", scope: "T1", group: "S9" }],
    ["discord-role:G1:R7", { kind: "group", platform: "discord", scope: "G1", group: "R7" }],
    // A name typed on Slack (`manager dana`) is stored as that person in the workspace.
    ["slack:T1:dana.k", { kind: "person", platform: "slack", scope: "T1", user: "dana.k" }],
  ];

  it.each(forms)("reads %s and writes it back unchanged", (text, subject) => {
    expect(parseSubject(text)).toEqual(subject);
    expect(subjectId(subject)).toBe(text);
  });

  it.each([
    "",
    "dana",
    "terminal:",
    "terminal:a:b",
    "slack:T1",
    "slack:T1:U2:U3",
    "slack::U2",
    "slack-group:T1",
    "discord-role:G1:R7:x",
    "foo:bar",
    "foo:bar:baz",
    "Slack:T1:U2",
    "slack:T1:U 2",
    "slack:T1:<@U2>",
    // gonogo's own actors are never named in text.
    "gonogo:pipeline",
  ])("refuses the malformed id %j", (text) => {
    expect(parseSubject(text)).toBeNull();
  });

  it("names an id by its platform's own id when no display name was kept, and shows unreadable text as it is", () => {
    expect(displayName("terminal:dana")).toBe("dana");
    expect(displayName("slack-group:T1:S9")).toBe("S9");
    expect(displayName("gonogo")).toBe("gonogo");
  });
});

describe("channel keys", () => {
  it("reads a key into platform, workspace and channel and writes it back", () => {
    for (const key of ["slack:T1:C1", "discord:1187331275440648213:1187331812277321738", "terminal:local:#releases"]) {
      const place = parseChannelKey(key);
      expect(place).not.toBeNull();
      expect(channelKey(place!)).toBe(key);
    }
    expect(parseChannelKey("slack:T1:C1")).toEqual({ platform: "slack", scope: "T1", channel: "C1" });
    expect(parseChannelKey("terminal:général")).toBeNull();
  });

  it("places a channel in a person's workspace only on their platform and in their workspace; the terminal has one place", () => {
    const at = (key: string) => ({ platform: key.split(":")[0]!, key, nativeId: "x" });
    expect(inWorkspaceOf(slackPerson, at("slack:T1:C1"))).toBe(true);
    expect(inWorkspaceOf(slackPerson, at("slack:T2:C1"))).toBe(false);
    expect(inWorkspaceOf(slackPerson, at("discord:T1:C1"))).toBe(false);
    expect(inWorkspaceOf({ kind: "person", platform: "terminal", scope: null, user: "dana" }, at("terminal:local:#releases"))).toBe(true);
  });
});

describe("admin entries", () => {
  it.each(["terminal:alice", "slack:T0123:U0456", "U0456", "W0789", "discord:1187331275440648213:1187400000000000000", "1187400000000000000"])("reads %s and spells it back", (entry) => {
    expect(adminText(parseAdmin(entry)!)).toBe(entry);
  });

  it.each(["alice", "slack:T1", "discord:guild:user", "terminal:", "@alice", "Terminal:alice", "slack-group:T1:S9", "1234"])("refuses %j", (entry) => {
    expect(parseAdmin(entry)).toBeNull();
  });

  it("matches a bare Slack or Discord id in every workspace or server, a full id only in its own, and never across platforms", () => {
    const admins = ["U0456", "1187400000000000000", "slack:T1:UADMIN", "terminal:root"].map((e) => parseAdmin(e)!);
    const person = (platform: Person["platform"], scope: string | null, user: string): Person => ({ kind: "person", platform, scope, user });
    expect(isAdmin(admins, person("slack", "T1", "U0456"))).toBe(true);
    expect(isAdmin(admins, person("slack", "T9", "U0456"))).toBe(true);
    expect(isAdmin(admins, person("discord", "G5", "1187400000000000000"))).toBe(true);
    expect(isAdmin(admins, person("slack", "T1", "UADMIN"))).toBe(true);
    expect(isAdmin(admins, person("slack", "T2", "UADMIN"))).toBe(false);
    expect(isAdmin(admins, person("terminal", null, "U0456"))).toBe(false);
    expect(isAdmin(admins, person("terminal", null, "root"))).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { groupsText, groupsWithin, type ReplyGroups } from "../../src/app/views.js";

const list: ReplyGroups = {
  groups: [
    { title: "What went well", items: ["bob: " + "w".repeat(300), "carol: short", "dave: also short"] },
    { title: "What did not go well", items: [] },
    { title: "Action items", items: ["bob: @dana add canary alerts", "carol: @erin add a QA slot"] },
  ],
  whereAll: "Read them all in the web view.",
};
const length = (line: string) => line.length + 1;

describe("a list under headings in one message", () => {
  it("shows everything when it fits, leaving out questions nobody answered", () => {
    expect(groupsWithin(list, 10_000, length)).toEqual({ groups: [list.groups[0], list.groups[2]], note: null });
  });

  it("keeps every heading and the first answer of each, cut to a fair share, and counts the rest", () => {
    const fitted = groupsWithin(list, 200, length);
    const total = fitted.groups.reduce((n, g) => n + length(g.title) + g.items.reduce((m, i) => m + length(i), 0), 0) + length(fitted.note ?? "");
    expect(total).toBeLessThanOrEqual(200);
    expect(fitted.groups.map((g) => g.title)).toEqual(["What went well", "Action items"]);
    expect(fitted.groups[0]!.items[0]).toMatch(/^bob: w+…$/);
    expect(fitted.groups[1]!.items[0]).toBe("bob: @dana add canary alerts");
    // Counted per question, and where to read them all said once.
    expect(fitted.groups.map((g) => g.items.slice(1))).toEqual([["…and 2 more lines"], ["…and 1 more line"]]);
    expect(fitted.note).toBe("Not everything fits in one message. Read them all in the web view.");
  });

  it("says where to read a line whole when the core cut it short, even when the whole list fits", () => {
    const cut: ReplyGroups = { ...list, shortened: true };
    expect(groupsWithin(cut, 10_000, length).note).toBe("Long lines are cut short here. Read them all in the web view.");
    expect(groupsText(cut)).toMatch(/alerts\n {2}• carol: @erin add a QA slot\nLong lines are cut short here\. Read them all in the web view\.$/);
    expect(groupsText(list)).not.toContain("cut short");
  });
});

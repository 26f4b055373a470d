import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buttonCustomId, formCustomId, parseCustomId, selectCustomId } from "../../adapters/discord/ids.js";

describe("Discord custom_ids", () => {
  it("round-trips every button and form id and stays within 100 characters", () => {
    for (const action of ["go", "no_go", "abstain", "rollback", "retro"] as const) {
      const id = buttonCustomId(action, "R-999999999");
      expect(id.length).toBeLessThanOrEqual(100);
      expect(parseCustomId(id)).toEqual({ kind: "button", action, releaseId: "R-999999999" });
    }
    expect(parseCustomId(formCustomId("rollback", "R-3"))).toEqual({ kind: "form", form: "rollback", releaseId: "R-3", tag: null });
    expect(parseCustomId(formCustomId("create", null))).toEqual({ kind: "form", form: "create", releaseId: null, tag: null });
    const longest = formCustomId("check", "R-999999999", `${"c".repeat(32)}:fail:override@0123abcd`);
    expect(longest.length).toBeLessThanOrEqual(100);
    expect(parseCustomId(longest)).toEqual({ kind: "form", form: "check", releaseId: "R-999999999", tag: `${"c".repeat(32)}:fail:override@0123abcd` });
    expect(parseCustomId(selectCustomId("R-999999999"))).toEqual({ kind: "select", releaseId: "R-999999999" });
  });

  it("rejects tampered, foreign and older-version ids", () => {
    for (const bad of ["", "g1:b:ship:R-1", "g1:b:go:R-1:extra", "g1:b:go:1", "g0:b:go:R-1", "g1:b:go:R-1; DROP TABLE", "g1:f:vote:R-1", "x".repeat(101), "g1:b:go:R-" + "1".repeat(10), "g1:f:check:R-1:tests:maybe", "g1:f:check:R-1:Tests:pass", "g1:s:check:R-1:x", "g1:s:go:R-1"]) {
      expect(parseCustomId(bad)).toBeNull();
    }
    expect(parseCustomId(42)).toBeNull();
  });

  it("never throws on arbitrary input", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
      const parsed = parseCustomId(s);
      if (parsed) expect(s.startsWith("g1:")).toBe(true);
    }));
  });
});

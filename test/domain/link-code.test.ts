import { describe, expect, it } from "vitest";
import { readLinkCode, showLinkCode } from "../../src/domain/link-code.js";

describe("link codes", () => {
  it("are shown as two groups of four and read back however they were typed", () => {
    expect(showLinkCode("K7QM4RPZ")).toBe("K7QM-4RPZ");
    for (const typed of ["K7QM-4RPZ", "k7qm-4rpz", " K7QM 4RPZ ", "k7qm4rpz"]) expect(readLinkCode(typed)).toBe("K7QM4RPZ");
  });

  it("are never letters people misread, nor a wrong length", () => {
    expect(readLinkCode("K7QM-4RP0")).toBeNull();
    expect(readLinkCode("K7QM-4RPI")).toBeNull();
    expect(readLinkCode("K7QM-4RP")).toBeNull();
    expect(readLinkCode("R-12")).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { alsoPendingInWords, decide, decisionInWords } from "../../src/domain/decision.js";
import { policy, vote } from "./fixtures.js";

const MANAGER = "terminal:alice";

describe("the decision in words", () => {
  it("says GO and nothing more once the release is GO", () => {
    const go = decide([vote("bob", "go"), vote("carol", "go")], policy(), MANAGER);
    expect(decisionInWords(go)).toBe("GO");
    expect(decisionInWords(go, "label")).toBe("GO");
  });

  it("says Pending and what it waits for, each reason set apart by a dot", () => {
    const pending = decide([vote("bob", "go")], policy({ require: ["qa"] }), MANAGER);
    expect(decisionInWords(pending)).toBe("Pending: 1 of 2 GO · waiting for qa");
  });

  it("says NO-GO and who blocks it, with their reason", () => {
    const blocked = decide([vote("bob", "go"), vote("carol", "go"), vote("dave", "no_go", { reason: "migration not tested" })], policy(), MANAGER);
    expect(decisionInWords(blocked)).toBe("NO-GO: blocked by no-go from dave: migration not tested");
  });

  it("says after a NO-GO what else it waits for, which the card shows on a line of its own", () => {
    const blocked = decide([vote("bob", "go"), vote("dave", "no_go", { reason: "migration not tested" })], policy({ require: ["qa"] }), MANAGER);
    expect(decisionInWords(blocked)).toBe("NO-GO: blocked by no-go from dave: migration not tested; also pending: 1 of 2 GO · waiting for qa");
    expect(decisionInWords(blocked, "head")).toBe("NO-GO: blocked by no-go from dave: migration not tested");
    expect(alsoPendingInWords(blocked)).toBe("Also pending: 1 of 2 GO · waiting for qa");
    expect(alsoPendingInWords(decide([vote("bob", "go")], policy(), MANAGER))).toBeNull();
  });

  it("gives only the name of the decision as a label, for one line per release in a list", () => {
    expect(decisionInWords(decide([vote("bob", "go")], policy(), MANAGER), "label")).toBe("Pending");
    expect(decisionInWords(decide([vote("dave", "no_go")], policy(), MANAGER), "label")).toBe("NO-GO");
  });
});

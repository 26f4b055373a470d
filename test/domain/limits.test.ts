import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/domain/grammar.js";
import { INPUT_LIMITS } from "../../src/domain/limits.js";
import { userError } from "./fixtures.js";

describe("the limits table in the grammar", () => {
  it("accepts each input at exactly its limit", () => {
    const v = "1".repeat(INPUT_LIMITS.version.max);
    expect(parseCommand(`create ${"s".repeat(INPUT_LIMITS.service.max)} ${v} env ${"e".repeat(INPUT_LIMITS.environment.max)}`)).toMatchObject({ version: v });
    expect(parseCommand(`hold R-1 ${"h".repeat(INPUT_LIMITS.holdReason.max)}`)).toMatchObject({ reason: "h".repeat(INPUT_LIMITS.holdReason.max) });
    expect(parseCommand(`update R-1 desc ${"d".repeat(INPUT_LIMITS.description.max)}`)).toMatchObject({ field: "description" });
  });

  it("states the limit of an update's version and description", () => {
    userError(() => parseCommand(`update R-1 version ${"9".repeat(65)}`), "too_long", "A version is at most 64 characters (yours has 65).");
    userError(() => parseCommand(`update R-1 desc ${"d".repeat(1001)}`), "too_long", "A description is at most 1000 characters (yours has 1001).");
  });

  it("takes the ids Slack and Discord put in for a mentioned manager or role subject", () => {
    expect(parseCommand("create api 1.0 manager slack:T1:U2")).toMatchObject({ manager: "slack:T1:U2" });
    expect(parseCommand("role grant discord-role:123:456 qa")).toMatchObject({ subject: "discord-role:123:456" });
    expect(parseCommand("role grant slack-group:T1:S9 qa")).toMatchObject({ subject: "slack-group:T1:S9" });
  });

  it("refuses a manager of several words, since a name is one word", () => {
    userError(() => parseCommand("create api 1.0 manager Dana Smith"), "bad_name", "`Dana Smith` is not a user name", "at most 32 characters");
  });
});

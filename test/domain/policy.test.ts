import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, describePolicy, isValidTimeZone, parsePolicyChanges, POLICY_KEYS } from "../../src/domain/policy.js";
import { policyChanges } from "../../src/domain/command-fields.js";
import { policy, userError } from "./fixtures.js";

describe("default policy", () => {
  it("needs two GO votes, no sign-off roles, lets a no-go veto, counts the manager's GO, holds at T-0, wants no-go reasons and says a lock still on every 4 hours", () => {
    expect(DEFAULT_POLICY).toEqual({
      quorum: 2,
      require: [],
      veto: true,
      selfApproval: true,
      t0: "hold",
      noGoReason: "required",
      reminders: [60, 15, 5, 0],
      timezone: "UTC",
      autoRollback: [],
      revoteAfter: null,
      overrideApprovers: 1,
      criteria: [],
      lockReminder: 240,
    });
  });

  it("describes itself one line per setting, in the key=value form it is set with", () => {
    expect(describePolicy(DEFAULT_POLICY)).toEqual([
      "quorum=2 (GO votes needed)",
      "require=none (sign-off roles)",
      "veto=on (whether any no-go blocks)",
      "self_approval=on (whether the manager's own GO counts)",
      "t0=hold (what T-0 does without GO)",
      "no_go_reason=required",
      "reminders=60m,15m,5m,0m",
      "timezone=UTC",
      "auto_rollback=none (alerts that roll back without a person)",
      "revote_after=off (how far T-0 may move later before votes are cleared)",
      "override_approvers=1 (people who must ask to ship inside a freeze)",
      "lock_reminder=4h (how often a deploy lock still on is said again)",
    ]);
  });

  it("describes a changed policy", () => {
    const lines = describePolicy(policy({ require: ["qa", "security"], veto: false, selfApproval: false, t0: "cancel", timezone: "Europe/Berlin" }));
    expect(lines).toContain("require=qa,security (sign-off roles)");
    expect(lines).toContain("veto=off (whether any no-go blocks)");
    expect(lines).toContain("self_approval=off (whether the manager's own GO counts)");
    expect(lines).toContain("t0=cancel (what T-0 does without GO)");
    expect(lines).toContain("timezone=Europe/Berlin");
  });

  it("reads back what it describes", () => {
    const p = policy({ quorum: 3, require: ["qa"], veto: false, selfApproval: false, t0: "cancel", noGoReason: "optional", reminders: [30, 0], timezone: "Europe/Berlin", lockReminder: 90 });
    const pairs = describePolicy(p).map((l) => l.split(" ")[0]!);
    expect({ ...DEFAULT_POLICY, ...parsePolicyChanges(pairs) }).toEqual(p);
  });
});

describe("changing the policy with key=value", () => {
  it("lists every settable key", () => {
    expect([...POLICY_KEYS].sort()).toEqual(["auto_rollback", "lock_reminder", "no_go_reason", "override_approvers", "quorum", "reminders", "require", "revote_after", "self_approval", "t0", "timezone", "veto"]);
  });

  it("reads how often a deploy lock still on is said again, or off, within 15m to 7d", () => {
    expect(parsePolicyChanges(["lock_reminder=2h"])).toEqual({ lockReminder: 120 });
    expect(parsePolicyChanges(["lock_reminder=90m"])).toEqual({ lockReminder: 90 });
    expect(parsePolicyChanges(["lock_reminder=OFF"])).toEqual({ lockReminder: null });
    expect(describePolicy(policy({ lockReminder: null }))).toContain("lock_reminder=off (how often a deploy lock still on is said again)");
    expect(describePolicy(policy({ lockReminder: 90 }))).toContain("lock_reminder=90m (how often a deploy lock still on is said again)");
    for (const pair of ["lock_reminder=5m", "lock_reminder=8d", "lock_reminder=sometimes"]) {
      userError(() => parsePolicyChanges([pair]), "policy_value", `\`${pair}\` is not valid: lock_reminder takes an interval from 15m to 7d such as 90m, 1h30m, 1h 30m, 2d or 1d2h, or off`);
    }
  });

  it("reads a duration the same way in every setting that takes one: 1h30m, 1h 30m, 1d12h", () => {
    expect(parsePolicyChanges(["lock_reminder=1h30m"])).toEqual({ lockReminder: 90 });
    expect(parsePolicyChanges(policyChanges("lock_reminder=1h 30m quorum=2"))).toEqual({ lockReminder: 90, quorum: 2 });
    expect(parsePolicyChanges(policyChanges("lock_reminder=4 h"))).toEqual({ lockReminder: 240 });
    expect(parsePolicyChanges(["revote_after=1d12h"])).toEqual({ revoteAfter: 36 * 60 });
    expect(parsePolicyChanges(["reminders=1h30m,15m,0m"])).toEqual({ reminders: [90, 15, 0] });
  });

  it("says what is wrong with a duration it cannot read, and the forms it takes", () => {
    userError(() => parsePolicyChanges(["lock_reminder=1h30"]), "policy_value", "`lock_reminder=1h30` is not valid (`30` has no unit: add one, e.g. `30m`): lock_reminder takes an interval from 15m to 7d such as 90m, 1h30m, 1h 30m, 2d or 1d2h, or off, e.g. lock_reminder=4h.");
    userError(() => parsePolicyChanges(["revote_after=30m1d"]), "policy_value", "`revote_after=30m1d` is not valid (its parts go largest first, each unit once (`1h30m`), not as in `30m1d`): revote_after takes off, or how far T-0 may move later before the votes are cleared, from 1m to 365d, such as 90m, 1h30m, 1h 30m, 2d or 1d2h, e.g. revote_after=24h.");
    userError(() => parsePolicyChanges(["reminders=1.5h,0m"]), "policy_value", "`reminders=1.5h,0m` is not valid (whole numbers only (`1h30m`, not `1.5h`)): reminders takes how long before T-0 to remind, from 0m to 7d each, comma-separated, such as 90m, 1h30m, 1h 30m, 2d or 1d2h, e.g. reminders=60m,15m,5m,0m.");
    userError(() => parsePolicyChanges(["lock_reminder=90s"]), "policy_value", "`lock_reminder=90s` is not valid (whole minutes only): lock_reminder takes");
  });

  it("reads which alert severities roll back without a person", () => {
    expect(parsePolicyChanges(["auto_rollback=critical,warning"])).toEqual({ autoRollback: ["critical", "warning"] });
    expect(parsePolicyChanges(["auto_rollback=none"])).toEqual({ autoRollback: [] });
    expect(parsePolicyChanges(["override_approvers=2"])).toEqual({ overrideApprovers: 2 });
    expect(parsePolicyChanges(["revote_after=2d", "revote_after=90m"])).toEqual({ revoteAfter: 90 });
    expect(parsePolicyChanges(["revote_after=Off"])).toEqual({ revoteAfter: null });
    expect(() => parsePolicyChanges(["revote_after=0h"])).toThrow(/revote_after takes off, or how far/);
    expect(() => parsePolicyChanges(["auto_rollback=sometimes"])).toThrow(/auto_rollback takes alert severities/);
  });

  it("reads quorum as a whole number from 1 to 100", () => {
    expect(parsePolicyChanges(["quorum=3"])).toEqual({ quorum: 3 });
    expect(parsePolicyChanges(["quorum=1"])).toEqual({ quorum: 1 });
    expect(parsePolicyChanges(["quorum=100"])).toEqual({ quorum: 100 });
  });

  it.each(["quorum=abc", "quorum=1.5", "quorum=-1", "quorum=101", "quorum=0x10", "quorum=1e3", "quorum=+2"])("refuses %s and states the range", (pair) => {
    userError(() => parsePolicyChanges([pair]), "policy_value", `\`${pair}\` is not valid`, "a whole number from 1 to 100");
  });

  it("refuses a quorum of 0: nobody voting is not a decision", () => {
    userError(() => parsePolicyChanges(["quorum=0"]), "policy_value", "a whole number from 1 to 100", "a channel that wants no vote can turn the bot off");
  });

  it("refuses an empty quorum instead of setting it to zero", () => {
    userError(() => parsePolicyChanges(["quorum="]), "policy_value", "quorum");
  });

  it("reads require as comma-separated lower-case roles, or none", () => {
    expect(parsePolicyChanges(["require=qa,security"])).toEqual({ require: ["qa", "security"] });
    expect(parsePolicyChanges(["require=QA"])).toEqual({ require: ["qa"] });
    expect(parsePolicyChanges(["require=none"])).toEqual({ require: [] });
  });

  it("refuses a role list with an empty or odd name", () => {
    userError(() => parsePolicyChanges(["require=qa,,security"]), "policy_value", "require takes comma-separated sign-off roles");
    userError(() => parsePolicyChanges(["require=q&a"]), "policy_value", "require=qa,security");
  });

  it.each([
    ["veto=on", { veto: true }],
    ["veto=off", { veto: false }],
    ["veto=yes", { veto: true }],
    ["veto=false", { veto: false }],
    ["self_approval=off", { selfApproval: false }],
    ["self_approval=true", { selfApproval: true }],
  ])("reads %s", (pair, expected) => {
    expect(parsePolicyChanges([pair])).toEqual(expected);
  });

  it("refuses an on/off setting with another value and says on or off", () => {
    userError(() => parsePolicyChanges(["veto=maybe"]), "policy_value", "veto takes on or off");
    userError(() => parsePolicyChanges(["self_approval=1"]), "policy_value", "self_approval takes on or off");
  });

  it("reads t0=hold or t0=cancel and refuses anything else", () => {
    expect(parsePolicyChanges(["t0=cancel"])).toEqual({ t0: "cancel" });
    expect(parsePolicyChanges(["t0=hold"])).toEqual({ t0: "hold" });
    userError(() => parsePolicyChanges(["t0=ship"]), "policy_value", "t0 takes hold or cancel");
  });

  it("reads no_go_reason=required or optional and refuses anything else", () => {
    expect(parsePolicyChanges(["no_go_reason=optional"])).toEqual({ noGoReason: "optional" });
    expect(parsePolicyChanges(["no_go_reason=required"])).toEqual({ noGoReason: "required" });
    userError(() => parsePolicyChanges(["no_go_reason=never"]), "policy_value", "required or optional");
  });

  it("reads reminders in minutes or hours", () => {
    expect(parsePolicyChanges(["reminders=60m,15m,5m,0m"])).toEqual({ reminders: [60, 15, 5, 0] });
    expect(parsePolicyChanges(["reminders=2h,30,0"])).toEqual({ reminders: [120, 30, 0] });
  });

  it.each(["reminders=", "reminders=soon", "reminders=-5m", "reminders=10081m", "reminders=1.5h"])("refuses %s and shows the offset form", (pair) => {
    userError(() => parsePolicyChanges([pair]), "policy_value", "reminders=60m,15m,5m,0m");
  });

  it("reads an IANA time zone and refuses one it does not know", () => {
    expect(parsePolicyChanges(["timezone=Europe/Berlin"])).toEqual({ timezone: "Europe/Berlin" });
    userError(() => parsePolicyChanges(["timezone=Mars/Olympus"]), "policy_value", "an IANA zone such as Europe/Berlin");
    userError(() => parsePolicyChanges(["timezone="]), "policy_value", "timezone");
  });

  it("knows real zones from made-up ones", () => {
    expect(isValidTimeZone("America/New_York")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Nowhere/Special")).toBe(false);
  });

  it("reads several pairs at once, keys in any case", () => {
    expect(parsePolicyChanges(["QUORUM=1", "require=security", "veto=off"])).toEqual({ quorum: 1, require: ["security"], veto: false });
  });

  it("refuses an unknown key and lists the real ones", () => {
    const err = userError(() => parsePolicyChanges(["quorom=2"]), "policy_key", "`quorom=2` is not a policy setting");
    for (const key of POLICY_KEYS) expect(err.message).toContain(key);
  });

  it("names the key a typo most likely meant, with the value as typed", () => {
    userError(() => parsePolicyChanges(["quorom=3"]), "policy_key", "`quorom=3` is not a policy setting. Did you mean `quorum=3`?");
    userError(() => parsePolicyChanges(["self-approval=off"]), "policy_key", "Did you mean `self_approval=off`?");
    expect(() => parsePolicyChanges(["colour=red"])).toThrow(/^(?!.*Did you mean)/s);
  });

  it("refuses a pair without a key", () => {
    userError(() => parsePolicyChanges(["=2"]), "policy_key", "is not a policy setting");
    // Names every object has are not settings either.
    for (const inherited of ["constructor=2", "__proto__=2", "toString=x"]) userError(() => parsePolicyChanges([inherited]), "policy_key", "is not a policy setting");
  });

  it("refuses a known key without =value and says what value it takes", () => {
    userError(() => parsePolicyChanges(["quorum"]), "policy_value", "`quorum` needs a value", "quorum=2");
  });

  it("asks what to change when nothing is given", () => {
    userError(() => parsePolicyChanges([]), "policy_usage", "/release policy set quorum=2 require=qa", "Keys:");
  });

  it("refuses the whole change when one of several pairs is wrong", () => {
    userError(() => parsePolicyChanges(["quorum=3", "veto=perhaps"]), "policy_value", "veto=perhaps");
  });
});

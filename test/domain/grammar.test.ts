import { describe, expect, it } from "vitest";
import { normalizeReleaseId } from "../../src/domain/command-fields.js";
import { HELP_LINES, parseCommand } from "../../src/domain/grammar.js";
import { userError } from "./fixtures.js";

describe("release ids", () => {
  it.each(["R-12", "r-12", "12", "#12", "R12", "R-012"])("reads %s as R-12", (token) => {
    expect(normalizeReleaseId(token, "`/release status R-1`")).toBe("R-12");
  });

  it.each(["R-x", "release-12", "R-", "R-1.5", "12a", "R-1234567890"])("refuses %s, shows what ids look like and how to list them", (token) => {
    userError(() => normalizeReleaseId(token, "`/release status R-1`"), "release_id", `\`${token}\` is not a release id`, "R-12", "`/release status R-1`", "/release list");
  });

  it("asks which release when none is given", () => {
    userError(() => normalizeReleaseId(undefined, "`/release ship R-1`"), "release_id", "Say which release", "`/release ship R-1`", "/release list");
  });
});

describe("the /release grammar", () => {
  describe("help", () => {
    it("treats an empty command, help and /release alone as help", () => {
      expect(parseCommand("")).toEqual({ name: "help" });
      expect(parseCommand("help")).toEqual({ name: "help" });
      expect(parseCommand("/release")).toEqual({ name: "help" });
      expect(parseCommand("/release help")).toEqual({ name: "help" });
    });

    it("documents every subcommand and the time formats", () => {
      const help = HELP_LINES.join("\n");
      for (const sub of ["create", "vote", "retract", "status", "list", "share", "schedule", "update", "ship", "shipped", "hold", "cancel", "rollback", "recovered", "retro", "policy", "role", "help"]) {
        expect(help).toContain(`/release ${sub}`);
      }
      expect(help).toContain("in 90m");
      expect(help).toContain("tomorrow 10:00");
    });

    it("states the limit and the clock-change rule for times", () => {
      const times = HELP_LINES.find((line) => line.startsWith("Times:"));
      expect(times).toContain("up to a year ahead");
      expect(times).toContain("happens twice when clocks go back means the first");
    });
  });

  it("accepts the text with or without the /release prefix, in any case", () => {
    expect(parseCommand("/release vote R-1 go")).toEqual(parseCommand("vote R-1 go"));
    expect(parseCommand("/RELEASE VOTE r-1 GO")).toEqual({ name: "vote", id: "R-1", choice: "go", reason: null });
  });

  describe("create", () => {
    it("reads service and version with defaults for the rest", () => {
      expect(parseCommand("create payments 1.4.2")).toEqual({ name: "create", service: "payments", version: "1.4.2", when: null, environment: null, manager: null, description: null });
    });

    it("reads at <time> and env <environment> in either order", () => {
      const a = parseCommand("create payments 1.4.2 at tomorrow 10:00 env staging");
      const b = parseCommand("create payments 1.4.2 env staging at tomorrow 10:00");
      expect(a).toMatchObject({ when: "tomorrow 10:00", environment: "staging" });
      expect(b).toEqual(a);
    });

    it("reads a multi-word time such as 2030-01-15 14:00 Europe/Berlin", () => {
      expect(parseCommand("create api 2.0.0 at 2030-01-15 14:00 Europe/Berlin")).toMatchObject({ when: "2030-01-15 14:00 Europe/Berlin" });
    });

    it("reads manager and a description that runs to the end, spacing kept", () => {
      expect(parseCommand("create api 2.0.0 manager @bob desc see  https://x/changelog env as typed")).toMatchObject({
        manager: "@bob",
        description: "see  https://x/changelog env as typed",
        environment: null,
      });
    });

    it("accepts service names with dots, dashes and slashes", () => {
      expect(parseCommand("create team/billing-api.v2 1.0.0-rc.1+build5")).toMatchObject({ service: "team/billing-api.v2", version: "1.0.0-rc.1+build5" });
    });

    it.each(["create", "create payments", "create payments at in 2h", "create payments env staging"])("asks for the service and version for %j", (text) => {
      userError(() => parseCommand(text), "create_usage", "Name the service and the version", "/release create payments 1.4.2");
    });

    it("refuses a keyword without a value", () => {
      userError(() => parseCommand("create payments 1.4.2 env"), "create_usage", "`env` needs a value");
      userError(() => parseCommand("create payments 1.4.2 at"), "create_usage", "`at` needs a value");
    });

    it("refuses an option given twice", () => {
      userError(() => parseCommand("create payments 1.4.2 env a env b"), "create_usage", "`env` is given twice");
    });

    it("refuses a stray word after the version", () => {
      userError(() => parseCommand("create payments 1.4.2 now"), "create_usage", "I don't understand `now`");
    });

    it("refuses a bad service name, version or environment and says what they look like", () => {
      userError(() => parseCommand("create pay$ 1.0"), "bad_service", "`pay$` is not a service name");
      userError(() => parseCommand("create payments v1!"), "bad_version", "`v1!` is not a version", "1.4.2");
      userError(() => parseCommand("create payments 1.0 env staging prod"), "bad_env", "`staging prod` is not an environment name", "production or staging");
    });
  });

  describe("vote", () => {
    it("reads go, no-go and abstain with an optional reason", () => {
      expect(parseCommand("vote R-1 go")).toEqual({ name: "vote", id: "R-1", choice: "go", reason: null });
      expect(parseCommand("vote R-1 abstain")).toEqual({ name: "vote", id: "R-1", choice: "abstain", reason: null });
      expect(parseCommand("vote R-1 no-go migration not tested")).toEqual({ name: "vote", id: "R-1", choice: "no_go", reason: "migration not tested" });
    });

    it("keeps the reason as typed, inner spacing included", () => {
      expect(parseCommand("vote 12 no-go  migration   not tested  ")).toMatchObject({ id: "R-12", reason: "migration   not tested" });
    });

    it("reads `no go` typed as two words as the no-go, not as a no whose reason starts with go", () => {
      expect(parseCommand("vote R-12 no go broken build")).toEqual({ name: "vote", id: "R-12", choice: "no_go", reason: "broken build" });
      expect(parseCommand("vote R-12 No Go")).toEqual({ name: "vote", id: "R-12", choice: "no_go", reason: null });
      expect(parseCommand("vote R-12 no going back")).toEqual({ name: "vote", id: "R-12", choice: "no_go", reason: "going back" });
    });

    it("reads the shortcuts go, no-go and abstain", () => {
      expect(parseCommand("go r-3")).toEqual({ name: "vote", id: "R-3", choice: "go", reason: null });
      expect(parseCommand("no-go R-3 broken build")).toEqual({ name: "vote", id: "R-3", choice: "no_go", reason: "broken build" });
      expect(parseCommand("abstain 3")).toEqual({ name: "vote", id: "R-3", choice: "abstain", reason: null });
    });

    it("refuses an unknown choice and shows the three", () => {
      userError(() => parseCommand("vote R-1 maybe"), "vote_choice", "go, no-go or abstain");
      userError(() => parseCommand("vote R-1"), "vote_choice", "go, no-go or abstain");
    });

    it("refuses a missing or malformed id", () => {
      userError(() => parseCommand("vote"), "release_id", "Say which release", "/release vote R-1 go");
      userError(() => parseCommand("vote go"), "release_id", "`go` is not a release id");
    });
  });

  it("reads retract, status, list, share", () => {
    expect(parseCommand("retract r-2")).toEqual({ name: "retract", id: "R-2" });
    expect(parseCommand("status")).toEqual({ name: "status", id: null });
    expect(parseCommand("status 4")).toEqual({ name: "status", id: "R-4" });
    expect(parseCommand("list")).toEqual({ name: "list" });
    expect(parseCommand("share R-2")).toEqual({ name: "share", id: "R-2" });
    userError(() => parseCommand("retract"), "release_id", "/release retract R-1");
    userError(() => parseCommand("status latest"), "release_id", "`latest` is not a release id");
  });

  describe("schedule", () => {
    it("reads the time as the rest of the line, with or without 'at'", () => {
      expect(parseCommand("schedule R-1 tomorrow 10:00")).toEqual({ name: "schedule", id: "R-1", when: "tomorrow 10:00" });
      expect(parseCommand("schedule R-1 at 2030-01-15 14:00 Europe/Berlin")).toEqual({ name: "schedule", id: "R-1", when: "2030-01-15 14:00 Europe/Berlin" });
      // Moving a release's time is what people call rescheduling: the same command.
      expect(parseCommand("/release Reschedule r-1 in 90m")).toEqual({ name: "schedule", id: "R-1", when: "in 90m" });
      userError(() => parseCommand("constructor R-1"), "unknown_command", "`constructor` is not a /release command");
    });

    it("asks when if no time is given", () => {
      userError(() => parseCommand("schedule R-1"), "schedule_usage", "Say when", "/release schedule R-1 tomorrow 10:00");
    });
  });

  describe("update", () => {
    it("reads a new version, or a description / changelog link", () => {
      expect(parseCommand("update R-1 version 1.2.4")).toEqual({ name: "update", id: "R-1", field: "version", value: "1.2.4" });
      expect(parseCommand("update R-1 desc fixes the login bug")).toEqual({ name: "update", id: "R-1", field: "description", value: "fixes the login bug" });
      expect(parseCommand("update R-1 changelog https://x/y")).toEqual({ name: "update", id: "R-1", field: "description", value: "https://x/y" });
    });

    it("says what may change when the field or value is missing or unknown", () => {
      userError(() => parseCommand("update R-1 version"), "update_usage", "/release update R-1 version 1.2.4");
      userError(() => parseCommand("update R-1 colour red"), "update_usage", "/release update R-1 desc");
      userError(() => parseCommand("update R-1 colour red"), "update_usage", "`colour` is not something a release update changes (only its version or description).");
      userError(() => parseCommand("update R-1 version"), "update_usage", "Give the new version.");
    });

    it("refuses a version that is not one word", () => {
      userError(() => parseCommand("update R-1 version 1.2 final"), "bad_version", "`1.2 final` is not a version");
    });
  });

  it.each(["ship", "shipped", "recovered"] as const)("reads %s <id>", (word) => {
    expect(parseCommand(`${word} r-7`)).toEqual({ name: word, id: "R-7" });
    userError(() => parseCommand(word), "release_id", `/release ${word} R-1`);
  });

  it("reads retro <id> as the form for your own notes, retro <id> show as everyone's answers, and retro <id> export as all of them in a file", () => {
    expect(parseCommand("retro r-7")).toEqual({ name: "retro", id: "R-7", op: "edit" });
    expect(parseCommand("retro R-7 show")).toEqual({ name: "retro", id: "R-7", op: "show" });
    expect(parseCommand("retro R-7 SHOW")).toEqual({ name: "retro", id: "R-7", op: "show" });
    expect(parseCommand("retro show R-7")).toEqual({ name: "retro", id: "R-7", op: "show" });
    expect(parseCommand("retro R-7 export")).toEqual({ name: "retro", id: "R-7", op: "export" });
    expect(parseCommand("retro export R-7")).toEqual({ name: "retro", id: "R-7", op: "export" });
    userError(() => parseCommand("retro"), "release_id", "`/release retro R-1` (add or edit your notes), `/release retro R-1 show` (read everyone's) or `/release retro R-1 export`");
    userError(() => parseCommand("retro R-7 list"), "retro_usage", "I don't understand `list` after the release id. Use `/release retro R-7` (add or edit your notes), `/release retro R-7 show` (read everyone's) or `/release retro R-7 export` (all of them as a file).");
    userError(() => parseCommand("retro R-7 show all"), "retro_usage", "`/release retro R-1 show` to read everyone's");
  });

  it.each(["hold", "cancel", "rollback"] as const)("reads %s <id> with an optional reason", (word) => {
    expect(parseCommand(`${word} R-7 error rate 5x`)).toEqual({ name: word, id: "R-7", reason: "error rate 5x" });
    expect(parseCommand(`${word} R-7`)).toEqual({ name: word, id: "R-7", reason: null });
    userError(() => parseCommand(word), "release_id", `/release ${word} R-1 <reason>`);
  });

  describe("policy", () => {
    it("shows the policy, or reads the key=value pairs to set", () => {
      expect(parseCommand("policy")).toEqual({ name: "policy", changes: null });
      expect(parseCommand("policy set quorum=3 veto=off")).toEqual({ name: "policy", changes: ["quorum=3", "veto=off"] });
    });

    it("refuses anything but set, and shows both forms", () => {
      userError(() => parseCommand("policy quorum=3"), "policy_usage", "`/release policy`", "/release policy set quorum=2 require=qa");
    });

    it("answers a setting named without set, or without =, with the command that sets it", () => {
      userError(() => parseCommand("policy lock_reminder 1h30m"), "policy_usage", "Did you mean `/release policy set lock_reminder=1h30m`?");
      userError(() => parseCommand("policy quorum=3"), "policy_usage", "Did you mean `/release policy set quorum=3`?");
      userError(() => parseCommand("policy Revote_After 1h 30m"), "policy_usage", "Did you mean `/release policy set revote_after=1h 30m`?");
    });
  });

  describe("role", () => {
    it("reads grant, revoke and list", () => {
      expect(parseCommand("role grant @dana qa")).toEqual({ name: "role", op: "grant", subject: "@dana", role: "qa" });
      expect(parseCommand("role revoke dana Security")).toEqual({ name: "role", op: "revoke", subject: "dana", role: "security" });
      expect(parseCommand("role list")).toEqual({ name: "role", op: "list" });
    });

    it("refuses an unknown operation and shows the three", () => {
      userError(() => parseCommand("role add dana qa"), "role_usage", "role grant", "role revoke", "role list");
      userError(() => parseCommand("role"), "role_usage");
    });

    it("refuses a missing user or role, or extra words", () => {
      userError(() => parseCommand("role grant dana"), "role_usage", "/release role grant @dana qa");
      userError(() => parseCommand("role revoke dana qa now"), "role_usage", "/release role revoke");
    });

    it("refuses a role name that is not a lower-case word", () => {
      userError(() => parseCommand("role grant dana q&a"), "bad_role", "`q&a` is not a role name", "oncall");
    });
  });

  it("refuses an unknown subcommand, names the real ones and points to help", () => {
    const err = userError(() => parseCommand("deploy R-1"), "unknown_command", "`deploy` is not a /release command", "/release help");
    for (const sub of ["create", "vote", "retract", "schedule", "rollback", "policy", "role"]) expect(err.message).toContain(sub);
  });

  it("names the command a typo most likely meant, and guesses nothing for a word that is far from every command", () => {
    userError(() => parseCommand("shedule R-1 in 2h"), "unknown_command", "`shedule` is not a /release command. Did you mean `/release schedule`?", "/release help");
    userError(() => parseCommand("stauts R-1"), "unknown_command", "Did you mean `/release status`?");
    userError(() => parseCommand("Rollbak R-1 errors"), "unknown_command", "Did you mean `/release rollback`?");
    userError(() => parseCommand("reshedule R-1 in 2h"), "unknown_command", "Did you mean `/release reschedule`?");
    for (const far of ["deploy R-1", "xyz"]) expect(() => parseCommand(far)).toThrow(/^(?!.*Did you mean)/s);
  });

  it("reads a release id typed where the command goes as a wish to see that release", () => {
    userError(() => parseCommand("R-12"), "unknown_command", "`R-12` is not a /release command. Did you mean `/release status R-12`?");
    userError(() => parseCommand("r-7 go"), "unknown_command", "Did you mean `/release status R-7`?");
  });

  it("refuses a bare release id as a command", () => {
    userError(() => parseCommand("R-1"), "unknown_command", "`R-1` is not a /release command");
  });
});

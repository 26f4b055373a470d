import { describe, expect, it } from "vitest";
import { SUBCOMMANDS } from "../../src/domain/command.js";
import { commandFromFields, type CommandFields } from "../../src/domain/command-from-fields.js";
import { isUserError } from "../../src/domain/errors.js";
import { parseCommand } from "../../src/domain/grammar.js";
import { userError } from "./fixtures.js";

/** The same command typed as a line of text and as separate fields (Discord's options). */
const SAME: Array<[text: string, name: string, fields: CommandFields]> = [
  ["help", "help", {}],
  ["create payments 1.4.2", "create", { service: "payments", version: "1.4.2" }],
  [
    "create payments 1.4.2 at tomorrow 10:00 env staging manager discord:1:2 desc fixes  the login bug",
    "create",
    { service: "payments", version: "1.4.2", when: "tomorrow 10:00", environment: "staging", manager: "discord:1:2", description: "fixes  the login bug" },
  ],
  ["vote R-1 go", "vote", { id: "R-1", choice: "go" }],
  ["vote 12 no-go migration not tested", "vote", { id: "12", choice: "no-go", reason: "migration not tested" }],
  ["go r-3", "go", { id: "r-3" }],
  ["no-go R-3 broken build", "no-go", { id: "R-3", reason: "broken build" }],
  ["abstain #3", "abstain", { id: "#3" }],
  ["retract R-2", "retract", { id: "R-2" }],
  ["status", "status", {}],
  ["status 4", "status", { id: "4" }],
  ["list", "list", {}],
  ["share R-2", "share", { id: "R-2" }],
  ["schedule R-1 tomorrow 10:00", "schedule", { id: "R-1", when: "tomorrow 10:00" }],
  ["schedule R-1 at 2030-01-15 14:00 Europe/Berlin", "schedule", { id: "R-1", when: "at 2030-01-15 14:00 Europe/Berlin" }],
  ["update R-1 version 1.2.4", "update", { id: "R-1", field: "version", value: "1.2.4" }],
  ["update R-1 desc new changelog", "update", { id: "R-1", field: "desc", value: "new changelog" }],
  ["ship R-7", "ship", { id: "R-7" }],
  ["shipped R-7", "shipped", { id: "R-7" }],
  ["hold R-7 waiting on QA", "hold", { id: "R-7", reason: "waiting on QA" }],
  ["cancel R-7", "cancel", { id: "R-7" }],
  ["rollback R-7 error rate 5x", "rollback", { id: "R-7", reason: "error rate 5x" }],
  ["recovered R-7", "recovered", { id: "R-7" }],
  ["retro R-7", "retro", { id: "R-7" }],
  ["retro R-7 show", "retro", { id: "R-7", action: "show" }],
  ["retro R-7", "retro", { id: "R-7", action: "edit" }],
  ["policy", "policy", {}],
  ["policy set quorum=3 require=qa", "policy", { set: "quorum=3 require=qa" }],
  ["policy set", "policy", { set: "" }],
  ["role grant discord-role:1:2 QA", "role", { action: "grant", subject: "discord-role:1:2", role: "QA" }],
  ["role revoke @dana qa", "role", { action: "revoke", subject: "@dana", role: "qa" }],
  ["role list", "role", { action: "list" }],
  ["stats", "stats", {}],
  ["stats payments 90", "stats", { service: "payments", days: 90 }],
  ["stats 7d", "stats", { days: "7d" }],
  ["stats payments 30 env production", "stats", { service: "payments", days: 30, environment: "production" }],
  ["stats env Staging", "stats", { environment: "Staging" }],
  ["audit R-3", "audit", { action: "timeline", id: "R-3" }],
  ["audit export 2030-01-01 2030-01-31", "audit", { action: "export", from: "2030-01-01", to: "2030-01-31" }],
  ["audit export R-4", "audit", { action: "export", id: "R-4" }],
  ["audit verify", "audit", { action: "verify" }],
  ["ship R-7 override hotfix for  incident 42", "ship", { id: "R-7", override: "hotfix for  incident 42" }],
  // A blank override reason is asked for by the use case, once it knows the person may override.
  ["ship R-1 override", "ship", { id: "R-1", override: "" }],
  ["freeze add 2030-12-24 00:00 until 2031-01-05 09:00 reason year-end", "freeze", { action: "add", start: "2030-12-24 00:00", until: "2031-01-05 09:00", reason: "year-end" }],
  ["freeze add weekly fri 16:00 until mon 09:00", "freeze", { action: "add", start: "weekly fri 16:00", until: "mon 09:00" }],
  ["freeze add now until in 2h reason incident", "freeze", { action: "add", start: "now", until: "in 2h", reason: "incident" }],
  ["freeze list", "freeze", { action: "list" }],
  ["freeze", "freeze", {}],
  ["freeze remove F-2", "freeze", { action: "remove", id: "F-2" }],
  ["lock payments reason incident 42", "lock", { service: "payments", reason: "incident 42" }],
  ["lock payments staging reason incident 42", "lock", { service: "payments", environment: "staging", reason: "incident 42" }],
  ["unlock payments production reason fixed in 1.4.3", "unlock", { service: "payments", environment: "production", reason: "fixed in 1.4.3" }],
  ["unlock payments reason fixed", "lock", { action: "unlock", service: "payments", reason: "fixed" }],
  ["locks", "locks", {}],
  ["locks", "lock", { action: "list" }],
  ["web", "web", {}],
  ["link", "link", {}],
  ["link K7QM-4RPZ", "link", { code: "K7QM-4RPZ" }],
  ["link k7qm 4rpz", "link", { code: "k7qm 4rpz" }],
  ["unlink", "unlink", {}],
  ["criteria", "criteria", {}],
  ["criteria set tests:qa, changelog", "criteria", { set: "tests:qa, changelog" }],
  ["check R-7 tests pass", "check", { id: "R-7", criterion: "tests", choice: "pass" }],
  ["check R-7 Tests fail login broken https://ci.example/1", "check", { id: "R-7", criterion: "Tests", choice: "fail", reason: "login broken https://ci.example/1" }],
  ["check R-7 tests pass override runner down", "check", { id: "R-7", criterion: "tests", choice: "pass", override: "runner down" }],
  // A blank override reason is asked for by the use case, once it knows the person may override.
  ["check R-7 tests pass override", "check", { id: "R-7", criterion: "tests", choice: "pass", override: "" }],
];

/** The same mistake both ways: refused with the same code and the same words. */
const SAME_REFUSAL: Array<[text: string, name: string, fields: CommandFields]> = [
  ["deploy R-1", "deploy", { id: "R-1" }],
  ["create payments", "create", { service: "payments" }],
  ["create pay$ 1.0", "create", { service: "pay$", version: "1.0" }],
  ["create payments v1!", "create", { service: "payments", version: "v1!" }],
  [`create payments ${"9".repeat(65)}`, "create", { service: "payments", version: "9".repeat(65) }],
  ["create payments 1.0 env staging prod", "create", { service: "payments", version: "1.0", environment: "staging prod" }],
  ["create payments 1.0 manager Dana Smith", "create", { service: "payments", version: "1.0", manager: "Dana Smith" }],
  [`create payments 1.0 desc ${"d".repeat(1001)}`, "create", { service: "payments", version: "1.0", description: "d".repeat(1001) }],
  ["vote", "vote", {}],
  ["vote R-x go", "vote", { id: "R-x", choice: "go" }],
  ["vote R-1 maybe", "vote", { id: "R-1", choice: "maybe" }],
  ["retract", "retract", {}],
  ["status latest", "status", { id: "latest" }],
  ["schedule R-1", "schedule", { id: "R-1" }],
  ["update R-1 colour red", "update", { id: "R-1", field: "colour", value: "red" }],
  ["update R-1 version", "update", { id: "R-1", field: "version" }],
  ["update R-1 version 1.2 final", "update", { id: "R-1", field: "version", value: "1.2 final" }],
  ["ship", "ship", {}],
  [`hold R-1 ${"h".repeat(501)}`, "hold", { id: "R-1", reason: "h".repeat(501) }],
  [`policy set ${"x".repeat(201)}`, "policy", { set: "x".repeat(201) }],
  ["role add dana qa", "role", { action: "add", subject: "dana", role: "qa" }],
  ["role", "role", {}],
  ["role grant dana", "role", { action: "grant", subject: "dana" }],
  ["role grant dana q&a", "role", { action: "grant", subject: "dana", role: "q&a" }],
  ["stats 0", "stats", { days: 0 }],
  ["audit", "audit", {}],
  ["audit R-x", "audit", { action: "timeline", id: "R-x" }],
  ["freeze add weekly fri 16:00 until funday 09:00", "freeze", { action: "add", start: "weekly fri 16:00", until: "funday 09:00" }],
  ["freeze add weekly fri 25:00 until mon 09:00", "freeze", { action: "add", start: "weekly fri 25:00", until: "mon 09:00" }],
  ["freeze add tomorrow 10:00", "freeze", { action: "add", start: "tomorrow 10:00" }],
  ["freeze remove X-2", "freeze", { action: "remove", id: "X-2" }],
  ["freeze pause", "freeze", { action: "pause" }],
  ["lock payments", "lock", { service: "payments" }],
  ["unlock pay$ reason x", "unlock", { service: "pay$", reason: "x" }],
  ["check R-7", "check", { id: "R-7" }],
  ["check R-7 tests", "check", { id: "R-7", criterion: "tests" }],
  ["check R-7 tests maybe", "check", { id: "R-7", criterion: "tests", choice: "maybe" }],
  ["check R-7 te$ts pass", "check", { id: "R-7", criterion: "te$ts", choice: "pass" }],
  [`criteria set ${"x".repeat(401)}`, "criteria", { set: "x".repeat(401) }],
  ["retro", "retro", {}],
  ["retro R-7 list", "retro", { id: "R-7", action: "list" }],
];

function outcome(build: () => unknown) {
  try {
    return { command: build() };
  } catch (err) {
    if (!isUserError(err)) throw err;
    return { refused: err.code, message: err.message };
  }
}

describe("one intent from text or from typed fields", () => {
  it.each(SAME)("`%s` and its fields give the same command", (text, name, fields) => {
    const fromText = parseCommand(text);
    expect(commandFromFields(name, fields)).toEqual(fromText);
  });

  it("covers every subcommand", () => {
    const covered = new Set(SAME.map(([, name]) => name));
    expect(SUBCOMMANDS.filter((s) => !covered.has(s))).toEqual([]);
  });

  it.each(SAME_REFUSAL)("`%s` and its fields are refused alike", (text, name, fields) => {
    const fromText = outcome(() => parseCommand(text));
    expect(fromText).toHaveProperty("refused");
    expect(outcome(() => commandFromFields(name, fields))).toEqual(fromText);
  });
});

describe("typed fields", () => {
  it("take each value as it stands, even when its words look like the grammar's keywords", () => {
    const words = "at in 2h env prod desc x";
    expect(commandFromFields("create", { service: "payments", version: "1.4.2", description: words })).toMatchObject({ environment: null, when: null, description: words });
    expect(commandFromFields("create", { service: "payments", version: "1.4.2", when: words })).toMatchObject({ environment: null, when: words, description: null });
    expect(commandFromFields("hold", { id: "R-1", reason: words })).toEqual({ name: "hold", id: "R-1", reason: words });
    expect(commandFromFields("vote", { id: "R-1", choice: "no-go", reason: words })).toEqual({ name: "vote", id: "R-1", choice: "no_go", reason: words });
  });

  it("refuse a service or version with a space in it as one word without spaces", () => {
    userError(() => commandFromFields("create", { service: "pay ments", version: "1.0" }), "one_word", "The service is one word without spaces (got `pay ments`)");
    userError(() => commandFromFields("create", { service: "payments", version: "1.0 rc" }), "one_word", "The version is one word without spaces (got `1.0 rc`)");
  });

  it("refuse a one-word value with a stray word rather than dropping or shifting it", () => {
    userError(() => commandFromFields("vote", { id: "R-1 go", choice: "no-go" }), "release_id", "`R-1 go` is not a release id");
    userError(() => commandFromFields("role", { action: "grant", subject: "dana", role: "qa admin" }), "bad_role", "`qa admin` is not a role name");
    userError(() => commandFromFields("stats", { service: "payments api" }), "bad_service", "`payments api` is not a service name");
  });

  it("trim values and treat a blank one as not given", () => {
    expect(commandFromFields("vote", { id: " R-1 ", choice: " go ", reason: "   " })).toEqual({ name: "vote", id: "R-1", choice: "go", reason: null });
    expect(commandFromFields("status", { id: "  " })).toEqual({ name: "status", id: null });
  });

  it("read a service that is all digits as the service, and days as a number", () => {
    expect(commandFromFields("stats", { service: "2048", days: 90 })).toEqual({ name: "stats", service: "2048", days: 90, environment: null });
    userError(() => commandFromFields("stats", { days: 4000 }), "stats_usage", "between 1 and 3650 days");
  });

  it("keep export's `to` as the end even without a `from`", () => {
    expect(commandFromFields("audit", { action: "export", to: "2030-01-31" })).toEqual({ name: "audit", op: "export", from: null, to: "2030-01-31", id: null });
    // Discord's `action:export id:R-1`: that release's events, as the typed `audit export R-1`.
    expect(commandFromFields("audit", { action: "export", id: "r1" })).toEqual({ name: "audit", op: "export", from: null, to: null, id: "R-1" });
  });
});

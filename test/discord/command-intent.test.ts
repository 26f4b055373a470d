import { describe, expect, it } from "vitest";
import { commandIntent, type CommandOptionData } from "../../adapters/discord/command-intent.js";

const G = "1187331275440648213";
const sub = (name: string, options: Record<string, string | number | { role: string } | { user: string }> = {}): CommandOptionData[] => [
  {
    name,
    options: Object.entries(options).map(([k, v]) =>
      typeof v !== "object" ? { name: k, value: v } : "role" in v ? { name: k, value: v.role, role: { id: v.role } } : { name: k, value: v.user },
    ),
  },
];
const intent = (data: CommandOptionData[]) => {
  const t = commandIntent(G, data);
  if (!t.ok) throw new Error(t.error);
  return t.command;
};

describe("slash command options become the core's intent", () => {
  it("builds create with time, environment, manager and a description with spaces", () => {
    expect(intent(sub("create", { service: "payments", version: "1.4.2", when: "tomorrow 10:00", environment: "staging", manager: "1187400000000007919", description: "fixes env at checkout" }))).toEqual({
      name: "create",
      service: "payments",
      version: "1.4.2",
      when: "tomorrow 10:00",
      environment: "staging",
      manager: `discord:${G}:1187400000000007919`,
      description: "fixes env at checkout",
    });
  });

  it("maps freeze, lock and ship override subcommands to the same intents as the text grammar", () => {
    expect(intent(sub("freeze", { action: "add", start: "weekly fri 16:00", until: "mon 09:00", reason: "weekend" }))).toEqual({
      name: "freeze",
      op: "add",
      spec: { kind: "weekly", startDay: 5, startMinute: 960, endDay: 1, endMinute: 540 },
      reason: "weekend",
    });
    expect(intent(sub("freeze", { action: "add", start: "2030-12-24 00:00", until: "2031-01-05 09:00" }))).toEqual({ name: "freeze", op: "add", spec: { kind: "once", start: "2030-12-24 00:00", end: "2031-01-05 09:00" }, reason: null });
    expect(intent(sub("freeze", { action: "remove", freeze: "F-2" }))).toEqual({ name: "freeze", op: "remove", freezeId: 2 });
    expect(intent(sub("lock", { action: "unlock", service: "payments", reason: "fixed in 1.4.3" }))).toEqual({ name: "unlock", service: "payments", environment: null, reason: "fixed in 1.4.3" });
    expect(intent(sub("lock", { action: "list" }))).toEqual({ name: "locks" });
    expect(intent(sub("ship", { id: "R-7", override: "hotfix" }))).toEqual({ name: "ship", id: "R-7", override: "hotfix" });
    expect(intent(sub("ship", { id: "R-7" }))).toEqual({ name: "ship", id: "R-7" });
    expect(commandIntent(G, sub("lock", { action: "lock", service: "payments" }))).toEqual({ ok: false, error: expect.stringContaining("Say why") });
  });

  it("maps votes, updates, rollbacks, policy, stats and audit", () => {
    expect(intent(sub("vote", { id: "R-3", choice: "no-go", reason: "p99 latency regressed" }))).toEqual({ name: "vote", id: "R-3", choice: "no_go", reason: "p99 latency regressed" });
    expect(intent(sub("update", { id: "R-3", field: "desc", value: "new changelog" }))).toEqual({ name: "update", id: "R-3", field: "description", value: "new changelog" });
    expect(intent(sub("rollback", { id: "4", reason: "errors 5x" }))).toEqual({ name: "rollback", id: "R-4", reason: "errors 5x" });
    expect(intent(sub("schedule", { id: "R-4", when: "in 2h" }))).toEqual({ name: "schedule", id: "R-4", when: "in 2h" });
    expect(intent(sub("policy", { set: "quorum=3 require=qa" }))).toEqual({ name: "policy", changes: ["quorum=3", "require=qa"] });
    expect(intent(sub("policy"))).toEqual({ name: "policy", changes: null });
    expect(intent(sub("stats", { service: "payments", days: 90 }))).toEqual({ name: "stats", service: "payments", days: 90, environment: null });
    expect(intent(sub("audit", { action: "export", to: "2030-01-31" }))).toEqual({ name: "audit", op: "export", from: null, to: "2030-01-31", id: null });
    // An id given with export is that release's export, not ignored for the whole server's.
    expect(intent(sub("audit", { action: "export", id: "R-1" }))).toEqual({ name: "audit", op: "export", from: null, to: null, id: "R-1" });
    expect(commandIntent(G, sub("audit", { action: "export", id: "R-1", from: "2030-01-01" }))).toEqual({ ok: false, error: expect.stringContaining("leave out the dates") });
    expect(intent(sub("audit", { action: "timeline", id: "R-2" }))).toEqual({ name: "audit", op: "timeline", id: "R-2" });
    expect(intent(sub("status"))).toEqual({ name: "status", id: null });
    expect(intent([])).toEqual({ name: "help" });
  });

  it("grants a role to a Discord server role or to a member", () => {
    expect(intent(sub("role", { action: "grant", who: { role: "1187331812277321738" }, role: "qa" }))).toEqual({ name: "role", op: "grant", subject: `discord-role:${G}:1187331812277321738`, role: "qa" });
    expect(intent(sub("role", { action: "revoke", who: { user: "1187400000000007919" }, role: "qa" }))).toEqual({ name: "role", op: "revoke", subject: `discord:${G}:1187400000000007919`, role: "qa" });
    expect(intent(sub("role", { action: "list" }))).toEqual({ name: "role", op: "list" });
    expect(commandIntent(G, sub("role", { action: "grant", role: "qa" }))).toEqual({ ok: false, error: "Say who and which role, e.g. `/release role grant @QA qa`." });
  });

  it("refuses a service or version with spaces instead of shifting the words", () => {
    expect(commandIntent(G, sub("create", { service: "pay ments", version: "1.0" }))).toEqual({ ok: false, error: "The service is one word without spaces (got `pay ments`)." });
    expect(commandIntent(G, sub("create", { service: "payments", version: "1.0 final" }))).toEqual({ ok: false, error: "The version is one word without spaces (got `1.0 final`)." });
  });

  it("refuses with the grammar's own words", () => {
    expect(commandIntent(G, sub("create", { service: "payments", version: "1.0", environment: "staging prod" }))).toEqual({ ok: false, error: "`staging prod` is not an environment name: one word such as production or staging." });
    expect(commandIntent(G, sub("vote", { id: "R-1", choice: "maybe" }))).toMatchObject({ ok: false, error: expect.stringContaining("Vote with go, no-go or abstain") });
  });
});

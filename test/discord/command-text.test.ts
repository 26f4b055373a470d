import { describe, expect, it } from "vitest";
import { commandText, type CommandOptionData } from "../../adapters/discord/command-text.js";
import { parseCommand } from "../../src/domain/grammar.js";

const G = "1187331275440648213";
const sub = (name: string, options: Record<string, string | { role: string } | { user: string }> = {}): CommandOptionData[] => [
  {
    name,
    options: Object.entries(options).map(([k, v]) =>
      typeof v === "string" ? { name: k, value: v } : "role" in v ? { name: k, value: v.role, role: { id: v.role } } : { name: k, value: v.user },
    ),
  },
];
const text = (data: CommandOptionData[]) => {
  const t = commandText(G, data);
  if (!t.ok) throw new Error(t.error);
  return t.text;
};

describe("slash command options become the core's command text", () => {
  it("builds create with time, environment, manager and a description with spaces", () => {
    const t = text(sub("create", { service: "payments", version: "1.4.2", when: "tomorrow 10:00", environment: "staging", manager: "1187400000000007919", description: "fixes env at checkout" }));
    expect(t).toBe(`create payments 1.4.2 at tomorrow 10:00 env staging manager discord:${G}:1187400000000007919 desc fixes env at checkout`);
    expect(parseCommand(t)).toEqual({ name: "create", service: "payments", version: "1.4.2", when: "tomorrow 10:00", environment: "staging", manager: `discord:${G}:1187400000000007919`, description: "fixes env at checkout" });
  });

  it("maps votes, updates, rollbacks and policy onto the grammar", () => {
    expect(parseCommand(text(sub("vote", { id: "R-3", choice: "no-go", reason: "p99 latency regressed" })))).toEqual({ name: "vote", id: "R-3", choice: "no_go", reason: "p99 latency regressed" });
    expect(parseCommand(text(sub("update", { id: "R-3", field: "desc", value: "new changelog" })))).toEqual({ name: "update", id: "R-3", field: "description", value: "new changelog" });
    expect(parseCommand(text(sub("rollback", { id: "4", reason: "errors 5x" })))).toEqual({ name: "rollback", id: "R-4", reason: "errors 5x" });
    expect(parseCommand(text(sub("schedule", { id: "R-4", when: "in 2h" })))).toEqual({ name: "schedule", id: "R-4", when: "in 2h" });
    expect(parseCommand(text(sub("policy", { set: "quorum=3 require=qa" })))).toEqual({ name: "policy", changes: ["quorum=3", "require=qa"] });
    expect(parseCommand(text(sub("status")))).toEqual({ name: "status", id: null });
    expect(parseCommand(text([]))).toEqual({ name: "help" });
  });

  it("grants a role to a Discord server role or to a member", () => {
    expect(text(sub("role", { action: "grant", who: { role: "1187331812277321738" }, role: "qa" }))).toBe(`role grant discord-role:${G}:1187331812277321738 qa`);
    expect(text(sub("role", { action: "revoke", who: { user: "1187400000000007919" }, role: "qa" }))).toBe(`role revoke discord:${G}:1187400000000007919 qa`);
    expect(text(sub("role", { action: "list" }))).toBe("role list");
    expect(commandText(G, sub("role", { action: "grant", role: "qa" }))).toMatchObject({ ok: false });
  });

  it("refuses a service or version with spaces instead of shifting the words", () => {
    expect(commandText(G, sub("create", { service: "pay ments", version: "1.0" }))).toEqual({ ok: false, error: expect.stringContaining("one word") });
  });
});

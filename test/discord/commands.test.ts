import { ApplicationCommandOptionType } from "discord.js";
import { describe, expect, it } from "vitest";
import { releaseCommands } from "../../adapters/discord/commands.js";
import { INPUT_LIMITS, type InputKind } from "../../src/domain/limits.js";

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const SUBCOMMANDS = ["create", "vote", "status", "list", "share", "schedule", "update", "ship", "shipped", "hold", "cancel", "rollback", "recovered", "retro", "policy", "role", "stats", "audit", "freeze", "lock", "web", "criteria", "check", "link", "help"];

interface Opt { name: string; description: string; type: ApplicationCommandOptionType; options?: Opt[]; choices?: { name: string; value: string }[]; required?: boolean; autocomplete?: boolean; max_length?: number }

/** Which core limit each free-text option is held to: `subcommand.option`, or `*.option` for every subcommand. */
const OPTION_LIMITS: Record<string, InputKind | "versionOrDescription"> = {
  "*.id": "releaseId",
  "*.when": "when",
  "create.service": "service",
  "create.version": "version",
  "create.environment": "environment",
  "create.description": "description",
  "vote.reason": "voteReason",
  "hold.reason": "holdReason",
  "cancel.reason": "cancelReason",
  "rollback.reason": "rollbackReason",
  "update.value": "versionOrDescription",
  "policy.set": "policyChanges",
  "role.role": "role",
  "stats.service": "service",
  "stats.environment": "environment",
  "audit.from": "auditDate",
  "audit.to": "auditDate",
  "ship.override": "overrideReason",
  "freeze.start": "when",
  "freeze.until": "when",
  "freeze.reason": "freezeReason",
  "freeze.freeze": "releaseId",
  "lock.service": "service",
  "lock.environment": "environment",
  "lock.reason": "lockReason",
  "criteria.set": "criteriaSpec",
  "check.criterion": "criterion",
  "check.note": "checkNote",
  "check.override": "checkNote",
  "link.code": "linkCode",
};

describe("/release command definition", () => {
  const [cmd] = releaseCommands();
  const subs = (cmd!.options ?? []) as Opt[];

  it("has one subcommand per grammar verb", () => {
    expect(cmd!.name).toBe("release");
    expect(subs.map((s) => s.name)).toEqual(SUBCOMMANDS);
    expect(subs.every((s) => s.type === ApplicationCommandOptionType.Subcommand)).toBe(true);
  });

  it("stays within Discord's naming, count and size limits", () => {
    let chars = cmd!.name.length + cmd!.description.length;
    const walk = (opts: Opt[]) => {
      expect(opts.length).toBeLessThanOrEqual(25);
      let seenOptional = false;
      for (const o of opts) {
        expect(o.name).toMatch(NAME);
        expect(o.name).toBe(o.name.toLowerCase());
        expect(o.description.length).toBeGreaterThan(0);
        expect(o.description.length).toBeLessThanOrEqual(100);
        // Discord requires required options before optional ones.
        if (o.required) expect(seenOptional).toBe(false);
        else if (o.type !== ApplicationCommandOptionType.Subcommand) seenOptional = true;
        chars += o.name.length + o.description.length;
        for (const c of o.choices ?? []) {
          expect(c.value.length).toBeLessThanOrEqual(100);
          chars += c.name.length + c.value.length;
        }
        if (o.options) walk(o.options);
      }
    };
    walk(subs);
    expect(chars).toBeLessThanOrEqual(8000);
  });

  it("lets every text box hold exactly what the core accepts: max_length is the core's limit for that input", () => {
    const checked: string[] = [];
    for (const sub of subs) {
      for (const o of sub.options ?? []) {
        if (o.type !== ApplicationCommandOptionType.String || o.choices) continue;
        const kind = OPTION_LIMITS[`${sub.name}.${o.name}`] ?? OPTION_LIMITS[`*.${o.name}`];
        expect(kind, `${sub.name}.${o.name} has no limit in the table`).toBeDefined();
        const max = kind === "versionOrDescription" ? Math.max(INPUT_LIMITS.version.max, INPUT_LIMITS.description.max) : INPUT_LIMITS[kind!].max;
        expect(o.max_length, `${sub.name}.${o.name}`).toBe(max);
        checked.push(`${sub.name}.${o.name}`);
      }
    }
    // The reasons the core caps at the vote-reason limit are among them.
    expect(checked).toEqual(expect.arrayContaining(["vote.reason", "hold.reason", "cancel.reason", "rollback.reason", "create.version"]));
  });

  it("offers go / no-go / abstain, and taking the vote back, as choices and autocompletes release ids", () => {
    const vote = subs.find((s) => s.name === "vote")!;
    expect(vote.options!.find((o) => o.name === "choice")!.choices!.map((c) => c.value)).toEqual(["go", "no-go", "abstain", "retract"]);
    const ids = subs.flatMap((s) => (s.options ?? []).filter((o) => o.name === "id"));
    expect(ids.length).toBeGreaterThan(10);
    expect(ids.every((o) => o.autocomplete === true && o.type === ApplicationCommandOptionType.String)).toBe(true);
    const role = subs.find((s) => s.name === "role")!;
    expect(role.options!.find((o) => o.name === "who")!.type).toBe(ApplicationCommandOptionType.Mentionable);
  });

  it("says an environment defaults to production, as create and lock do (the policy has no environment)", () => {
    for (const name of ["create", "lock"]) {
      const env = subs.find((s) => s.name === name)!.options!.find((o) => o.name === "environment")!;
      expect(env.description, name).toMatch(/\(default production\)$/);
    }
  });
});

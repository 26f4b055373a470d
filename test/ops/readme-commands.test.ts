import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { releaseCommands } from "../../adapters/discord/commands.js";
import { BOT_PERMISSION_NAMES, BOT_PERMISSIONS } from "../../adapters/discord/invite.js";
import { parseCommand } from "../../src/domain/grammar.js";

/**
 * The README is what a newcomer copies from: every `/release …` line it shows must be one the
 * grammar takes, and its Discord table must list the options Discord is given. These fail when
 * the README and the code drift apart.
 */
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** Bare command names the prose mentions (not examples to type), and the id typed alone that is meant to be refused. */
const NAMED_NOT_TYPED = new Set(["/release ship", "/release shipped", "/release recovered", "/release share", "/release freeze remove", "/release lock", "/release lock payments", "/release role grant", "/release role", "/release create", "/release R-12"]);

/** Discord's option syntax: `/release create service:payments …`, `/release role grant who:@QA …`. */
const discordForm = (line: string) => /^\/release [a-z]+ (grant |revoke )?[a-z]+:/.test(line);

function examples(): string[] {
  const found = new Set<string>();
  for (const line of readme.split("\n")) {
    for (const m of line.matchAll(/`(\/release [^`]*)`/g)) found.add(m[1]!);
    const bare = line.trim();
    if (bare.startsWith("/release ") && !bare.includes("`")) found.add(bare.replace(/\s+#.*$/, ""));
  }
  return [...found];
}

const subcommands = releaseCommands()[0]!.options! as Array<{ name: string; options?: Array<{ name: string; required?: boolean }> }>;
const optionsOf = (sub: string) => subcommands.find((s) => s.name === sub)?.options ?? [];

describe("README commands", () => {
  it("every typed /release example parses (templates with <…>, […] or | aside)", () => {
    const typed = examples().filter((e) => !discordForm(e) && !/[<…[|]/.test(e) && !NAMED_NOT_TYPED.has(e));
    expect(typed.length).toBeGreaterThan(30);
    for (const line of typed) expect(() => parseCommand(line), line).not.toThrow();
  });

  it("every Discord example names a registered subcommand and its options", () => {
    const discord = examples().filter(discordForm);
    expect(discord.length).toBeGreaterThan(5);
    for (const line of discord) {
      const sub = line.split(" ")[1]!;
      const names = optionsOf(sub).map((o) => o.name);
      expect(subcommands.map((s) => s.name), line).toContain(sub);
      for (const m of line.matchAll(/ ([a-z]+):/g)) expect(names, line).toContain(m[1]);
    }
  });

  it("the Discord Commands table lists every subcommand with its options, [optional] as registered", () => {
    const section = readme.slice(readme.indexOf("| Subcommand | Options |"));
    const rows = section.slice(0, section.indexOf("\n\n")).split("\n").slice(2);
    const listed = new Map<string, string[]>();
    for (const row of rows) {
      const [, subs, opts] = row.split("|").map((c) => c.trim());
      // Examples in parentheses or after "e.g." are not option names.
      const names = [...opts!.replace(/\([^)]*\)/g, "").replace(/, e\.g\..*$/, "").matchAll(/`(\[?[a-z]+\]?)`/g)].map((m) => m[1]!);
      for (const s of subs!.matchAll(/`([a-z]+)`/g)) listed.set(s[1]!, names);
    }
    expect([...listed.keys()].sort()).toEqual(subcommands.map((s) => s.name).sort());
    for (const [sub, names] of listed) {
      expect(names, sub).toEqual(optionsOf(sub).map((o) => (o.required ? o.name : `[${o.name}]`)));
    }
  });
});

describe("README platform setup", () => {
  /** The first column of the table under `heading`, each cell's backticked or plain text. */
  const firstColumn = (heading: string) => {
    const section = readme.slice(readme.indexOf(heading));
    const table = section.slice(section.indexOf("\n|"), section.indexOf("\n\n", section.indexOf("\n|") + 1));
    return table.trim().split("\n").slice(2).map((row) => row.split("|")[1]!.trim().replace(/`/g, ""));
  };

  it("the Slack scopes table is the manifest's scopes", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../adapters/slack/manifest.json", import.meta.url), "utf8")) as { oauth_config: { scopes: { bot: string[] } } };
    expect(firstColumn("### 3. Bot scopes").sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it("the Discord permissions table and integer are the invite's", () => {
    expect(firstColumn("### 2. Invite the bot").sort()).toEqual([...BOT_PERMISSION_NAMES].sort());
    expect(/The permission integer is \*\*(\d+)\*\*/.exec(readme)?.[1]).toBe(BOT_PERMISSIONS.toString());
  });
});

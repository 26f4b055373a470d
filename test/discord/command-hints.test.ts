import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ApplicationCommandOptionType, type APIApplicationCommandBasicOption, type APIApplicationCommandSubcommandOption } from "discord.js";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { discordCodeSpan, discordHint, type DiscordHint } from "../../adapters/discord/command-hints.js";
import { commandIntent, type CommandOptionData } from "../../adapters/discord/command-intent.js";
import { releaseCommands } from "../../adapters/discord/commands.js";
import { textParts } from "../../src/app/views.js";
import { SUBCOMMAND_ALIASES, SUBCOMMANDS } from "../../src/domain/command.js";
import { isUserError } from "../../src/domain/errors.js";
import { parseCommand } from "../../src/domain/grammar.js";

const shown = (typed: string) => discordCodeSpan(typed).code;

describe("a typed /release hint in Discord's option syntax", () => {
  it("moves unlock and locks into /release lock's action, as Discord registers them", () => {
    expect(shown("/release unlock payments production reason <text>")).toBe("/release lock action:unlock service:payments environment:production reason:<text>");
    expect(shown("/release locks")).toBe("/release lock action:list");
    expect(shown("/release lock payments reason incident 42")).toBe("/release lock action:lock service:payments reason:incident 42");
    expect(shown("/release lock")).toBe("/release lock");
  });

  it("names each value's option, with check's verdict and note under Discord's own option names", () => {
    expect(shown("/release check R-7 tests pass|fail [note]")).toBe("/release check id:R-7 criterion:tests result:pass|fail [note]");
    expect(shown("/release check R-7 tests pass|fail [note or link]")).toBe("/release check id:R-7 criterion:tests result:pass|fail [note:<note or link>]");
    expect(shown("/release check R-7 tests pass override <reason>")).toBe("/release check id:R-7 criterion:tests result:pass override:<reason>");
    expect(shown("/release retro R-1 show")).toBe("/release retro id:R-1 action:show");
    expect(shown("/release go R-1")).toBe("/release vote id:R-1 choice:go");
    expect(shown("/release freeze remove F-2")).toBe("/release freeze action:remove freeze:F-2");
    expect(shown("/release role grant <user> qa")).toBe("/release role action:grant who:<user> role:qa");
  });

  it("keeps optional parts optional, whether they hold a placeholder or an example after the grammar's keyword", () => {
    expect(shown("/release ship <id> [override <reason>]")).toBe("/release ship id:<id> [override:<reason>]");
    expect(shown("/release stats [service] [days] [env <environment>]")).toBe("/release stats [service] [days] [environment]");
    expect(shown("/release create payments 1.4.2 [at tomorrow 10:00] [env staging]")).toBe("/release create service:payments version:1.4.2 [when:tomorrow 10:00] [environment:staging]");
    expect(shown("/release audit export [from] [to]")).toBe("/release audit action:export [from] [to]");
  });

  it("says a hint with no Discord form is a typed command, instead of printing something that cannot be typed there", () => {
    expect(discordCodeSpan("/release frobnicate R-1")).toEqual({ code: "/release frobnicate R-1", note: " (a typed command: on Discord, `/release help` lists the subcommands and their options)" });
  });

  it("leaves code that is no /release hint as it is", () => {
    expect(discordCodeSpan("quorum=2")).toEqual({ code: "quorum=2" });
    expect(discordCodeSpan("/releases")).toEqual({ code: "/releases" });
  });
});

// --- Every hint the core can emit -------------------------------------------------------

type Subcommand = APIApplicationCommandSubcommandOption & { options?: APIApplicationCommandBasicOption[] };
const registered = (releaseCommands()[0]!.options ?? []).filter((o): o is Subcommand => o.type === ApplicationCommandOptionType.Subcommand);

/**
 * The words a `${…}` stands for where a hint's subcommand goes (they are not placeholders: each
 * is a subcommand of its own). A new hint of that kind fails the walk until it is listed here.
 */
const SUBCOMMAND_WORDS: Record<string, string[]> = {
  "/release ${word} R-1": ["go", "no-go", "abstain", "shipped", "recovered"],
  "/release ${word} R-1 <reason>": ["hold", "cancel", "rollback"],
  "/release ${word} <service> [env] reason <text>": ["lock", "unlock"],
  "/release ${word} payments production reason incident 42": ["lock", "unlock"],
  "/release ${name} payments [env] reason <text>": ["lock", "unlock"],
  '/release ${name} ${service}${environment ? ` ${environment}` : ""} reason <text>': ["lock", "unlock"],
  "/release ${meant}": [...SUBCOMMANDS, ...SUBCOMMAND_ALIASES.keys()],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

/**
 * Every `/release …` code span in the core's string and template literals (comments are not
 * literals, so they are left out), each `${…}` a placeholder, or the subcommands it names.
 */
function coreHints(): string[] {
  const hints = new Set<string>();
  for (const file of [...sourceFiles("src/app"), ...sourceFiles("src/domain")]) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node) => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) collect(node.text, []);
      if (ts.isTemplateExpression(node)) {
        // Each expression becomes a marker first: its own source may hold backticks.
        const expressions = node.templateSpans.map((s) => s.expression.getText(source));
        collect(node.head.text + node.templateSpans.map((s, i) => `⟦${i}⟧${s.literal.text}`).join(""), expressions);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  function collect(text: string, expressions: string[]) {
    for (const part of textParts(text)) {
      if (part.kind !== "code" || !/^\/release\b/.test(part.text)) continue;
      const asWritten = part.text.replace(/⟦(\d+)⟧/g, (_, i: string) => `\${${expressions[Number(i)]}}`);
      const words = /^\/release ⟦\d+⟧/.test(part.text) ? SUBCOMMAND_WORDS[asWritten] : [null];
      if (!words) throw new Error(`${asWritten}: list the subcommands its \${…} stands for in SUBCOMMAND_WORDS`);
      for (const word of words) {
        const sub = word === null ? part.text : part.text.replace(/^\/release ⟦\d+⟧/, `/release ${word}`);
        hints.add(sub.replace(/⟦\d+⟧/g, "<value>"));
      }
    }
  }
  return [...hints].sort();
}

const hints = coreHints();

/** A hint that holds no placeholder is a command a person could run as it stands. */
const literal = (typed: string) => !/[<[|…]/.test(typed);

/** The Discord form's options as discord.js hands them to gonogo. */
function asOptions(hint: DiscordHint): CommandOptionData[] {
  const integer = (name: string) => registered.find((s) => s.name === hint.subcommand)?.options?.find((o) => o.name === name)?.type === ApplicationCommandOptionType.Integer;
  return [{ name: hint.subcommand, options: hint.options.map((o) => ({ name: o.name, value: integer(o.name) ? Number(o.value) : (o.value ?? "") })) }];
}

function typedIntent(typed: string) {
  try {
    return { ok: true, command: parseCommand(typed) };
  } catch (err) {
    if (isUserError(err)) return { ok: false, error: err.message };
    throw err;
  }
}

describe("every /release hint the core can emit, on Discord", () => {
  it("finds the hints in the core's replies, refusals, notices and card lines", () => {
    expect(hints.length).toBeGreaterThan(120);
    expect(hints).toContain("/release unlock <value> <value> reason <text>");
    expect(hints).toContain("/release check <id> <criterion> pass|fail [note]");
  });

  it.each(hints)("renders `%s` as a registered subcommand with registered options", (typed) => {
    const hint = discordHint(typed);
    expect(hint, "no Discord form").not.toBeNull();
    const sub = registered.find((s) => s.name === hint!.subcommand);
    expect(sub, `no subcommand ${hint!.subcommand}`).toBeDefined();
    for (const option of hint!.options) {
      const defined = sub!.options?.find((o) => o.name === option.name);
      expect(defined, `no option ${option.name} on ${sub!.name}`).toBeDefined();
      const choices = defined && "choices" in defined ? defined.choices : undefined;
      if (choices && literal(option.value ?? "<>")) expect(choices.map((c) => c.value)).toContain(option.value);
    }
    expect(discordCodeSpan(typed).code.startsWith(`/release ${hint!.subcommand}`)).toBe(true);
  });
});

/** A hint that is a whole command on Discord (every required option given), not just a subcommand's name. */
function whole(typed: string): boolean {
  const hint = discordHint(typed);
  const sub = registered.find((s) => s.name === hint?.subcommand);
  return !!sub && (sub.options ?? []).every((o) => !o.required || hint!.options.some((h) => h.name === o.name));
}

/** Whole commands for the options the core's literal hints leave out, so every field's option is checked both ways. */
const MORE_COMMANDS = [
  "/release check R-7 tests pass CI green on main",
  "/release check R-7 tests fail override runner down, checked by hand",
  "/release create payments 1.4.2 at tomorrow 10:00 env staging desc fixes checkout",
  "/release hold R-2 waiting for the db team",
  "/release update R-3 desc https://ci.example.com/c/42",
  "/release ship R-1 override hotfix for incident 42",
  "/release freeze add 2030-12-24 00:00 until 2031-01-05 09:00 reason year-end",
  "/release audit export 2030-01-01",
  "/release abstain R-4 on leave",
];

describe("every whole /release hint the core can emit, on Discord", () => {
  // A role's `who` is a member or role picked on Discord, not a name typed into the hint.
  const commands = [...hints.filter((h) => literal(h) && whole(h) && !/^\/release role (grant|revoke)/.test(h)), ...MORE_COMMANDS];
  it.each(commands)("means on Discord what `%s` means typed", (typed) => {
    const data = asOptions(discordHint(typed)!);
    expect(commandIntent("1187331275440648213", data)).toEqual(typedIntent(typed));
  });
});

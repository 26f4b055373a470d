import { ApplicationCommandOptionType, type APIApplicationCommandBasicOption, type APIApplicationCommandSubcommandOption } from "discord.js";
import { SUBCOMMAND_ALIASES } from "../../src/domain/command.js";
import type { CommandFields } from "../../src/domain/command-from-fields.js";
import { isUserError } from "../../src/domain/errors.js";
import { splitCommand } from "../../src/domain/grammar.js";
import { COMMAND_NAME, OPTION_OF_FIELD, releaseCommands } from "./commands.js";

/**
 * The core's command hints (`/release unlock payments production reason <text>`) are written in
 * the typed grammar of Slack and the terminal, which a Discord user cannot type: there /release
 * takes a subcommand and named options. This reads a hint with the core's own grammar
 * (splitCommand) and prints it in Discord's option syntax
 * (`/release lock action:unlock service:payments environment:production reason:<text>`), with
 * every subcommand and option name taken from the registered definition (commands.ts), so a
 * renamed option cannot leave a hint behind.
 *
 * Placeholders stay placeholders in the option they stand for: `<text>`, `pass|fail`, `…`, and an
 * optional part `[note]` becomes an optional option, `[note]` or `[note:<note or link>]`.
 */

/** One option of a hint as Discord shows it. `value` null: the placeholder is just the option's own name. */
export interface HintOption {
  name: string;
  value: string | null;
  optional: boolean;
}

/** A hint in Discord's terms: the subcommand, and its options in the order Discord lists them. */
export interface DiscordHint {
  subcommand: string;
  options: HintOption[];
}

type Subcommand = APIApplicationCommandSubcommandOption & { options?: APIApplicationCommandBasicOption[] };

/** Words of the typed grammar that are an option's value on Discord, where 25 subcommands are all Discord allows. */
const IMPLIED: Record<string, { subcommand: string; fields: CommandFields }> = {
  go: { subcommand: "vote", fields: { choice: "go" } },
  "no-go": { subcommand: "vote", fields: { choice: "no-go" } },
  abstain: { subcommand: "vote", fields: { choice: "abstain" } },
  unlock: { subcommand: "lock", fields: { action: "unlock" } },
  locks: { subcommand: "lock", fields: { action: "list" } },
  retract: { subcommand: "vote", fields: { choice: "retract" } },
  unlink: { subcommand: "link", fields: { action: "unlink" } },
};

/** `/release <typed words>` in a code span, as the core writes its hints. */
const HINT = /^\/release(?:\s|$)/i;

/**
 * A code span of the core's text as Discord should show it: a `/release` hint in Discord's form;
 * a hint with no Discord form kept as typed, with a `note` (markdown, to follow the span) saying
 * so; anything else unchanged.
 */
export function discordCodeSpan(code: string): { code: string; note?: string } {
  if (!HINT.test(code)) return { code };
  const hint = discordHint(code);
  return hint ? { code: hintText(hint) } : { code, note: " (a typed command: on Discord, `/release help` lists the subcommands and their options)" };
}

/** The typed hint in Discord's terms, or null when it has none (a word that is no subcommand, a shape the grammar refuses). */
export function discordHint(typed: string): DiscordHint | null {
  const holes = withSentinels(typed.replace(HINT, "").trim());
  let split: ReturnType<typeof splitCommand>;
  try {
    // A lone subcommand (`/release create`) names it; the grammar would ask for its values.
    split = /\s/.test(holes.text) ? splitCommand(holes.text) : holes.text ? { name: SUBCOMMAND_ALIASES.get(holes.text.toLowerCase()) ?? holes.text, fields: {} } : null;
  } catch (err) {
    if (isUserError(err)) return null;
    throw err;
  }
  if (!split) return { subcommand: "help", options: [] };
  const word = split.name.toLowerCase();
  const implied = IMPLIED[word];
  const given = Object.entries(split.fields).filter(([, v]) => v !== null && v !== undefined && String(v).trim() !== "");
  // A bare `/release lock` names the subcommand; with a target, Discord needs its action too.
  const fields: CommandFields = { ...(word === "lock" && given.length ? { action: "lock" } : {}), ...implied?.fields, ...Object.fromEntries(given) };
  const subcommand = subcommandNamed(implied?.subcommand ?? word);
  if (!subcommand) return null;
  const options: HintOption[] = [];
  for (const [field, value] of Object.entries(fields) as Array<[keyof CommandFields, string | number]>) {
    const name = OPTION_OF_FIELD[subcommand.name]?.[field] ?? field;
    const option = subcommand.options?.find((o) => o.name === name);
    if (!option) return null;
    const shown = holes.shown(String(value), name);
    if (!fitsChoices(option, shown.value)) return null;
    options.push({ name, ...shown });
  }
  const order = (o: HintOption) => subcommand.options!.findIndex((d) => d.name === o.name);
  return { subcommand: subcommand.name, options: options.sort((a, b) => order(a) - order(b)) };
}

/** `/release lock action:unlock service:payments [environment]`. */
function hintText(hint: DiscordHint): string {
  const option = (o: HintOption) => (o.optional ? `[${o.value === null ? o.name : `${o.name}:${o.value}`}]` : `${o.name}:${o.value ?? `<${o.name}>`}`);
  return [`/${COMMAND_NAME}`, hint.subcommand, ...hint.options.map(option)].join(" ");
}

let registered: Subcommand[] | undefined;

/** The registered subcommands, read once from the one definition. */
function subcommands(): Subcommand[] {
  registered ??= (releaseCommands()[0]!.options ?? []).filter((o): o is Subcommand => o.type === ApplicationCommandOptionType.Subcommand);
  return registered;
}

function subcommandNamed(name: string): Subcommand | undefined {
  return subcommands().find((o) => o.name === name);
}

/** A fixed-choice option takes one of its choices, or a placeholder for them (`pass|fail`, `<verdict>`). */
function fitsChoices(option: APIApplicationCommandBasicOption, value: string | null): boolean {
  if (!("choices" in option) || !option.choices || value === null || /[<|…]/.test(value)) return true;
  return option.choices.some((c) => String(c.value) === value);
}

/** The name of an integer option (stats' days): its placeholder stands in as a number, which is how the grammar tells it apart. */
function integerOptions(): Set<string> {
  return new Set(subcommands().flatMap((s) => (s.options ?? []).filter((o) => o.type === ApplicationCommandOptionType.Integer).map((o) => o.name)));
}

/**
 * The hint with each placeholder replaced by a plain word the grammar takes like any value
 * (a number for an integer option's), and each optional `[…]` unwrapped, so the grammar splits it
 * as it splits a typed line; `shown` turns a field's value back into what the hint meant.
 */
function withSentinels(hint: string): { text: string; shown(value: string, option: string): { value: string | null; optional: boolean } } {
  const labels = new Map<string, string>();
  const integers = integerOptions();
  const sentinel = (label: string, numeric = false) => {
    const word = numeric ? String(9000 + labels.size) : `hint${labels.size}x`;
    labels.set(word, label);
    return word;
  };
  const back = (text: string) => (labels.has(text) ? `<${labels.get(text)}>` : text.replace(/hint\d+x/g, (word) => (labels.has(word) ? `<${labels.get(word)}>` : word)));
  const groups: string[] = [];
  const text = hint
    .replace(/<([^<>[\]]+)>/g, (_, label: string) => sentinel(label))
    .replace(/\[([^[\]]+)\]/g, (_, inner: string) => {
      // `[days]` alone: the grammar tells a number of days by its digits.
      const plain = integers.has(inner.trim()) ? sentinel(inner.trim(), true) : inner.trim();
      groups.push(plain);
      return plain;
    });
  return {
    text,
    shown(value, option) {
      // The whole of a `[…]` without a keyword names what goes there (`[note or link]`); after a keyword (`[env staging]`) it is the value.
      const group = groups.find((g) => g === value || g.endsWith(` ${value}`));
      const meant = group === value && !labels.has(value) ? `<${value}>` : back(value);
      return { value: meant === `<${option}>` ? null : meant, optional: group !== undefined };
    },
  };
}

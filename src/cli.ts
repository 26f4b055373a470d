import { existsSync } from "node:fs";
import { relative } from "node:path";
import { parseArgs } from "node:util";

/** One option of a script: what `node:util` parseArgs takes, plus a line for `--help`. */
export interface CliOption {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** The help line, e.g. "write the report here instead of bench/results.json". */
  description: string;
  /** How the value is shown in help (`--out <file>`); defaults to "value". */
  valueName?: string;
}

/** A positional argument; required unless `optional`, and `many` takes any number (last only). */
export interface CliPositional {
  name: string;
  optional?: boolean;
  many?: boolean;
}

export interface CliSpec<O extends Record<string, CliOption>> {
  /** The npm script, e.g. "db:backup": names the script in errors and in `npm run db:backup -- --help`. */
  script: string;
  /** What the script does and what it reads, for `--help` (may be several lines). */
  description: string;
  options?: O;
  positionals?: readonly CliPositional[];
}

/** What a script's `run` receives: option values by name (undefined when not given) and the positionals. */
export interface CliArgs<O extends Record<string, CliOption>> {
  values: { [K in keyof O]?: O[K]["type"] extends "string" ? (O[K]["multiple"] extends true ? string[] : string) : O[K]["multiple"] extends true ? boolean[] : boolean };
  positionals: string[];
}

/** A mistake in how the script was called: exit 2, with a pointer to `--help`. */
export class UsageError extends Error {}

/**
 * Runs a script the same way for every script: reads `.env` like gonogo does, parses the
 * arguments with `node:util` parseArgs (unknown options and unexpected positionals are
 * refused), answers `--help`, and turns any error into one line on stderr, no stack trace.
 * Exit code: what `run` returns (default 0), 1 when it throws, 2 for a usage mistake.
 * Sets `process.exitCode` rather than exiting, so output piped to another program is not cut.
 */
export async function runCli<O extends Record<string, CliOption>>(spec: CliSpec<O>, run: (args: CliArgs<O>) => number | void | Promise<number | void>): Promise<void> {
  try {
    const args = parseCliArgs(spec, process.argv.slice(2));
    if (args === "help") {
      process.stdout.write(helpText(spec));
      return;
    }
    // Real environment variables win over .env, as for `npm start`.
    if (existsSync(".env")) process.loadEnvFile(".env");
    process.exitCode = (await run(args)) ?? 0;
  } catch (err) {
    process.stderr.write(`${failureLine(spec, err)}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
}

/** The parsed arguments, or "help" when `--help`/`-h` is among them. Throws UsageError. */
export function parseCliArgs<O extends Record<string, CliOption>>(spec: CliSpec<O>, argv: readonly string[]): CliArgs<O> | "help" {
  const positionals = spec.positionals ?? [];
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = { help: { type: "boolean", short: "h" } };
  for (const [name, { type, short, multiple }] of Object.entries(spec.options ?? {})) {
    // parseArgs refuses keys present with the value undefined.
    options[name] = { type, ...(short ? { short } : {}), ...(multiple ? { multiple } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    // Only the user's mistakes are usage errors; a malformed spec is a bug and stays one.
    if (!String((err as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS_")) throw err;
    throw new UsageError(parseArgsMistake(err));
  }
  if (parsed.values.help) return "help";
  const max = positionals.at(-1)?.many ? Infinity : positionals.length;
  const extra = parsed.positionals[max];
  if (extra !== undefined) throw new UsageError(`Unexpected argument '${extra}'`);
  const missing = positionals.filter((p) => !p.optional)[parsed.positionals.length];
  if (missing) throw new UsageError(`Missing <${missing.name}>`);
  return { values: parsed.values as CliArgs<O>["values"], positionals: parsed.positionals };
}

/** The `--help` text: usage line, description, options. */
export function helpText<O extends Record<string, CliOption>>(spec: CliSpec<O>): string {
  const args = (spec.positionals ?? []).map((p) => {
    const shown = `<${p.name}>${p.many ? "..." : ""}`;
    return p.optional ? `[${shown}]` : shown;
  });
  const rows: Array<[string, string]> = Object.entries(spec.options ?? {}).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : "    "}--${name}${o.type === "string" ? ` <${o.valueName ?? "value"}>` : ""}`,
    o.description,
  ]);
  rows.push(["-h, --help", "show this help"]);
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    `Usage: ${invocation(spec.script)} [options]${args.length ? ` ${args.join(" ")}` : ""}`,
    "",
    spec.description.trim(),
    "",
    "Options:",
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    "",
  ].join("\n");
}

/** One line: the script, what went wrong, and for a usage mistake the command that explains usage. */
export function failureLine(spec: { script: string }, err: unknown): string {
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, " ").trim();
  const hint = err instanceof UsageError ? `. Run \`${invocation(spec.script)} --help\` for usage.` : "";
  return `${spec.script}: ${message}${hint}`;
}

/** How the user ran this script: `npm run db:backup --` under npm, else e.g. `node dist/db-backup.js`. */
function invocation(script: string): string {
  if (process.env.npm_lifecycle_event === script) return `npm run ${script} --`;
  const path = process.argv[1] ?? script;
  // A path from elsewhere reads better whole than as a climb of ../../
  const file = relative(process.cwd(), path).startsWith("..") ? path : relative(process.cwd(), path);
  return `${file.endsWith(".ts") ? "npx tsx" : "node"} ${file}`;
}

/** parseArgs' own messages suggest `--` tricks meant for other tools; say only what is wrong. */
function parseArgsMistake(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `Unknown option '${quoted}'`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return `Unexpected argument '${quoted}'`;
  // Quoted as "--out <value>" or "-q, --quick": name the long form.
  const option = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return `${option} ${message.includes("argument missing") ? "needs a value" : "does not take a value"}`;
  return message;
}

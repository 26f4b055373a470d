import { describe, expect, it } from "vitest";
import { failureLine, helpText, parseCliArgs, UsageError, type CliOption, type CliSpec } from "../../src/cli.js";

/** A script shaped like `npm run bench`: an option with a value, a flag, any number of names. */
const spec = {
  script: "bench",
  description: "Measures things.",
  options: {
    out: { type: "string", description: "write the report here", valueName: "file" },
    quick: { type: "boolean", short: "q", description: "fewer rounds" },
  },
  positionals: [{ name: "suite", optional: true, many: true }],
} as const satisfies CliSpec<Record<string, CliOption>>;

describe("script arguments (src/cli.ts)", () => {
  it("reads options and any number of positionals", () => {
    expect(parseCliArgs(spec, ["--out", "r.json", "-q", "slack", "core"])).toEqual({ values: { out: "r.json", quick: true }, positionals: ["slack", "core"] });
  });

  it("answers --help or -h wherever it appears, before anything else is checked", () => {
    expect(parseCliArgs(spec, ["slack", "-h"])).toBe("help");
    expect(parseCliArgs({ script: "x", description: "" }, ["--help", "unexpected"])).toBe("help");
  });

  it("refuses unknown options, options without their value, and arguments the script does not take", () => {
    expect(() => parseCliArgs(spec, ["--outt", "r.json"])).toThrow(new UsageError("Unknown option '--outt'"));
    expect(() => parseCliArgs(spec, ["--out"])).toThrow(new UsageError("--out needs a value"));
    expect(() => parseCliArgs(spec, ["--quick=yes"])).toThrow(new UsageError("--quick does not take a value"));
    expect(() => parseCliArgs({ script: "x", description: "", positionals: [{ name: "file" }] }, ["a", "b"])).toThrow(new UsageError("Unexpected argument 'b'"));
    expect(() => parseCliArgs({ script: "x", description: "", positionals: [{ name: "file" }] }, [])).toThrow(new UsageError("Missing <file>"));
  });

  it("lists every option and the arguments in --help", () => {
    const text = helpText(spec);
    expect(text).toMatch(/^Usage: .* \[options\] \[<suite>\.\.\.\]\n\nMeasures things\.\n\nOptions:\n/);
    expect(text).toContain("      --out <file>  write the report here\n");
    expect(text).toContain("  -q, --quick       fewer rounds\n");
    expect(text).toContain("  -h, --help        show this help\n");
  });

  it("turns any failure into one line; a usage mistake says what to run", () => {
    expect(failureLine({ script: "bench" }, new Error("Port 80:\n  permission denied"))).toBe("bench: Port 80: permission denied");
    expect(failureLine({ script: "bench" }, new UsageError("Unknown option '--x'"))).toMatch(/^bench: Unknown option '--x'\. Run `.+ --help` for usage\.$/);
  });
});

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { arch, cpus, platform } from "node:os";
import { parseArgs } from "node:util";
import { benchCluster } from "./cluster.js";
import { benchCoreThroughput } from "./core-throughput.js";
import { benchDiscordStorm } from "./discord-storm.js";
import { benchGrowth } from "./growth.js";
import { benchSchedulerScale } from "./scheduler-scale.js";
import { benchSlackStorm } from "./slack-storm.js";
import { benchSustained } from "./sustained.js";
import { ROOT } from "./processes.js";
import { printReport } from "./report.js";

const BENCHMARKS = ["core", "slack", "discord", "sustained", "growth", "scheduler", "cluster"] as const;
type BenchName = (typeof BENCHMARKS)[number];

const HELP = `Usage: npm run bench -- [benchmark…] [options]

Runs every benchmark against its baseline in the same run, prints a table and writes
bench/results.json. Benchmarks: ${BENCHMARKS.join(", ")} (default: all).

Options:
  --sustained-seconds <n>   length of each side of the sustained load (default 120)
  --sustained-rate <n>      presses per second in the sustained load (default 100)
  --growth-audit <n>        audit rows seeded for the growth benchmark (default 1000000)
  --growth-releases <n>     releases seeded for the growth benchmark (default 100000)
  --growth-voters <n>       voters on the release of the growth benchmark (default 5000)
  --no-write                print the table only; leave bench/results.json alone

The cluster benchmark needs a PostgreSQL server whose user may create databases:
BENCH_DATABASE_URL (default CI_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/postgres);
without one it is skipped with a line saying so.
  -h, --help                show this help
`;

interface Options {
  only: Set<BenchName>;
  sustainedSeconds: number;
  sustainedRate: number;
  growthAudit: number;
  growthReleases: number;
  growthVoters: number;
  write: boolean;
}

class UsageError extends Error {}

function wholeNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${flag} must be a whole number of at least 1, not "${value}"`);
  return Number(value);
}

/** The command line, or null when help was asked for (printed). Throws UsageError on anything it does not know. */
export function parseBenchArgs(args: string[]): Options | null {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h" },
        "sustained-seconds": { type: "string" },
        "sustained-rate": { type: "string" },
        "growth-audit": { type: "string" },
        "growth-releases": { type: "string" },
        "growth-voters": { type: "string" },
        "no-write": { type: "boolean" },
      },
    });
  } catch (err) {
    // Node's own wording suggests a `--` escape that makes no sense here: name the flag only.
    const unknown = /Unknown option '([^']+)'/.exec((err as Error).message)?.[1];
    throw new UsageError(unknown ? `unknown option ${unknown}` : (err as Error).message.split("\n")[0]!);
  }
  const { values, positionals } = parsed;
  if (values.help) return null;
  for (const p of positionals) if (!(BENCHMARKS as readonly string[]).includes(p)) throw new UsageError(`unknown benchmark "${p}": choose from ${BENCHMARKS.join(", ")}`);
  return {
    only: new Set(positionals as BenchName[]),
    sustainedSeconds: wholeNumber("sustained-seconds", values["sustained-seconds"], 120),
    sustainedRate: wholeNumber("sustained-rate", values["sustained-rate"], 100),
    growthAudit: wholeNumber("growth-audit", values["growth-audit"], 1_000_000),
    growthReleases: wholeNumber("growth-releases", values["growth-releases"], 100_000),
    growthVoters: wholeNumber("growth-voters", values["growth-voters"], 5_000),
    write: !values["no-write"],
  };
}

/**
 * `npm run bench`: every figure with its baseline from the same run, a table on stdout
 * and bench/results.json. `npm run bench -- slack core` runs a subset.
 */
async function main(opts: Options): Promise<void> {
  const want = (name: BenchName) => opts.only.size === 0 || opts.only.has(name);
  const machine = { node: process.version, platform: `${platform()} ${arch()}`, cpus: cpus().length, cpu: cpus()[0]?.model ?? "unknown" };
  console.log(`gonogo benchmarks on ${machine.cpus} × ${machine.cpu}, Node ${machine.node}\n`);
  const started = performance.now();
  const results: Record<string, unknown> = {};
  const step = async <T>(name: BenchName, run: () => Promise<T>): Promise<void> => {
    if (!want(name)) return;
    const t = performance.now();
    process.stdout.write(`running ${name}… `);
    results[name] = await run();
    console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  await step("core", () => benchCoreThroughput());
  await step("slack", () => benchSlackStorm());
  await step("discord", () => benchDiscordStorm());
  await step("sustained", () => benchSustained({ seconds: opts.sustainedSeconds, rate: opts.sustainedRate }));
  await step("growth", () => benchGrowth({ auditRows: opts.growthAudit, releases: opts.growthReleases, voters: opts.growthVoters }));
  await step("scheduler", () => benchSchedulerScale());
  await step("cluster", () => benchCluster());
  const totalSec = Math.round((performance.now() - started) / 1000);
  console.log("");
  printReport(results);
  console.log(`\ntotal ${totalSec} s`);
  if (!opts.write) return;
  writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify({ at: new Date().toISOString(), machine, totalSec, ...results }, null, 2)}\n`);
  console.log("wrote bench/results.json");
}

let opts: Options | null;
try {
  opts = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`bench: ${err.message} (see npm run bench -- --help)\n`);
  process.exit(2);
}
if (opts === null) {
  process.stdout.write(HELP);
  process.exit(0);
}
// The program benches run is the bundle `npm start` runs: built here when missing or older than
// its sources, so `npx tsx bench/run.ts` never measures yesterday's code (or stops at a missing dist/).
execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale"], { cwd: ROOT, stdio: "inherit" });
await main(opts);
// Fakes and clients may leave sockets behind; the numbers are out.
process.exit(0);

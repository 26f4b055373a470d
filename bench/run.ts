import { writeFileSync } from "node:fs";
import { arch, cpus, platform } from "node:os";
import { benchCoreThroughput } from "./core-throughput.js";
import { benchDiscordStorm } from "./discord-storm.js";
import { benchSchedulerScale } from "./scheduler-scale.js";
import { benchSlackStorm } from "./slack-storm.js";
import { printReport } from "./report.js";

/**
 * `npm run bench`: every figure with its baseline from the same run, a table on stdout
 * and bench/results.json. `npm run bench -- slack core` runs a subset.
 */
async function main(): Promise<void> {
  const only = new Set(process.argv.slice(2));
  const want = (name: string) => only.size === 0 || only.has(name);
  const machine = { node: process.version, platform: `${platform()} ${arch()}`, cpus: cpus().length, cpu: cpus()[0]?.model ?? "unknown" };
  console.log(`gonogo benchmarks on ${machine.cpus} × ${machine.cpu}, Node ${machine.node}\n`);
  const started = performance.now();
  const results: Record<string, unknown> = {};
  const step = async <T>(name: string, run: () => Promise<T>): Promise<void> => {
    if (!want(name)) return;
    const t = performance.now();
    process.stdout.write(`running ${name}… `);
    results[name] = await run();
    console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  await step("core", () => benchCoreThroughput());
  await step("slack", () => benchSlackStorm());
  await step("discord", () => benchDiscordStorm());
  await step("scheduler", () => benchSchedulerScale());
  const totalSec = Math.round((performance.now() - started) / 1000);
  console.log("");
  printReport(results);
  console.log(`\ntotal ${totalSec} s`);
  writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify({ at: new Date().toISOString(), machine, totalSec, ...results }, null, 2)}\n`);
  console.log("wrote bench/results.json");
}

await main();
// Fakes and clients may leave sockets behind; the numbers are out.
process.exit(0);

import { writeFileSync } from "node:fs";
import { arch, cpus, platform } from "node:os";
import { benchCoreThroughput } from "./core-throughput.js";

/** `npm run bench`: prints each figure with its baseline from the same run and writes bench/results.json. */
async function main(): Promise<void> {
  const machine = { node: process.version, platform: `${platform()} ${arch()}`, cpus: cpus().length, cpu: cpus()[0]?.model ?? "unknown" };
  console.log(`gonogo benchmarks on ${machine.cpus} × ${machine.cpu}, Node ${machine.node}\n`);

  const core = await benchCoreThroughput();
  console.log("Core throughput: votes through bot.handle on a SQLite file vs raw prepared upserts");
  console.table({
    gonogo: { "votes/s": core.gonogoVotesPerSec, "p50 µs": core.gonogoP50us, "p99 µs": core.gonogoP99us },
    "raw better-sqlite3": { "votes/s": core.rawUpsertsPerSec, "p50 µs": "", "p99 µs": "" },
  });
  console.log(`raw / gonogo = ${core.ratio}×  (goal: gonogo ≥ 10,000 votes/s)\n`);

  writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify({ at: new Date().toISOString(), machine, core }, null, 2)}\n`);
  console.log("wrote bench/results.json");
}

await main();

import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../db/client.js";
import { createSqliteStore } from "../db/store.js";
import { createBot } from "../src/app/bot.js";
import { actorOf } from "../src/domain/identity.js";
import type { Actor, ChannelRef } from "../src/domain/types.js";
import { defaultCoreConfig } from "../fakes/core-config.js";

export interface CoreThroughput {
  votes: number;
  /** Every round's figures; the ones here are the medians (the machine is shared and noisy). */
  rounds?: Array<Omit<CoreThroughput, "rounds">>;
  gonogoVotesPerSec: number;
  rawUpsertsPerSec: number;
  ratio: number;
  gonogoP50us: number;
  gonogoP99us: number;
}

const channel: ChannelRef = { platform: "bench", key: "bench:local:#releases", nativeId: "#releases" };
/** Someone typing commands, as the terminal's people do. */
const benchActor = (name: string): Actor => actorOf({ kind: "person", platform: "terminal", scope: null, user: name }, name);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Votes per second through the real door (parse, permission, policy, one IMMEDIATE
 * transaction with the vote and its audit row) on a real SQLite file, against the storage
 * floor: raw prepared better-sqlite3 upserts of the same rows in autocommit. Three
 * rounds, each gonogo then raw on fresh files; the medians are reported.
 */
export async function benchCoreThroughput(votes = 20_000, voters = 2_000, rounds = 3): Promise<CoreThroughput> {
  const results: Array<Omit<CoreThroughput, "rounds">> = [];
  for (let r = 0; r < rounds; r++) results.push(await oneRound(votes, voters));
  const med = (pick: (x: Omit<CoreThroughput, "rounds">) => number) => percentile([...results.map(pick)].sort((a, b) => a - b), 50);
  return {
    votes,
    gonogoVotesPerSec: med((x) => x.gonogoVotesPerSec),
    rawUpsertsPerSec: med((x) => x.rawUpsertsPerSec),
    ratio: med((x) => x.ratio),
    gonogoP50us: med((x) => x.gonogoP50us),
    gonogoP99us: med((x) => x.gonogoP99us),
    rounds: results,
  };
}

async function oneRound(votes: number, voters: number): Promise<Omit<CoreThroughput, "rounds">> {
  const dir = mkdtempSync(join(tmpdir(), "gonogo-bench-"));
  try {
    const handle = openDatabase(join(dir, "gonogo.db"));
    const store = createSqliteStore(handle);
    const bot = createBot({ store, config: defaultCoreConfig });
    await bot.handle({ kind: "command", actor: benchActor("rm"), channel, text: "create payments 1.0.0" });
    const choices = ["go", "no-go because", "abstain"];
    const lat: number[] = [];
    const start = performance.now();
    for (let i = 0; i < votes; i++) {
      const who = i % voters;
      const t = performance.now();
      const r = await bot.handle({ kind: "command", actor: benchActor(`u${who}`), channel, text: `vote R-1 ${choices[i % 3]}` });
      lat.push(performance.now() - t);
      if (r.type === "message" && r.error) throw new Error(r.text);
    }
    const gonogoSec = (performance.now() - start) / 1000;
    if ((await store.getVotes("R-1")).length !== voters) throw new Error("lost votes");
    handle.close();

    const raw = new Database(join(dir, "raw.db"));
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = NORMAL");
    raw.exec("CREATE TABLE votes (release_seq INTEGER, voter TEXT, voter_name TEXT, choice TEXT, reason TEXT, roles TEXT, at INTEGER, PRIMARY KEY (release_seq, voter))");
    const upsert = raw.prepare(
      "INSERT INTO votes VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (release_seq, voter) DO UPDATE SET choice = excluded.choice, reason = excluded.reason, at = excluded.at",
    );
    const rawStart = performance.now();
    for (let i = 0; i < votes; i++) upsert.run(1, `bench:u${i % voters}`, `u${i % voters}`, ["go", "no_go", "abstain"][i % 3], null, "[]", i);
    const rawSec = (performance.now() - rawStart) / 1000;
    raw.close();

    lat.sort((a, b) => a - b);
    const gonogoVotesPerSec = votes / gonogoSec;
    const rawUpsertsPerSec = votes / rawSec;
    return {
      votes,
      gonogoVotesPerSec: Math.round(gonogoVotesPerSec),
      rawUpsertsPerSec: Math.round(rawUpsertsPerSec),
      ratio: Number((rawUpsertsPerSec / gonogoVotesPerSec).toFixed(2)),
      gonogoP50us: Math.round(percentile(lat, 50) * 1000),
      gonogoP99us: Math.round(percentile(lat, 99) * 1000),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

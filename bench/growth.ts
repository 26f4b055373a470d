import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditHash, GENESIS } from "../db/audit-chain.js";
import { openDatabase } from "../db/client.js";
import { createFakeSlack, type FakeCall, type FakeSlack } from "../fakes/slack-api.js";
import { BOT_TOKEN, CHANNEL, postSigned, SIGNING_SECRET, slashBody, TEAM, USERS, visibleText } from "../fakes/slack-requests.js";
import { stopHttpStorms } from "./http-storm.js";
import { collectBenchGarbage, gonogoLullPassed, startProgram } from "./processes.js";
import { measuredStorm, pressBodies, storm, type StormSide } from "./slack-storm.js";
import { round, sleep } from "./stats.js";

export interface GrowthRun {
  /** A release nobody has voted on yet. */
  freshRelease: StormSide;
  /** A release that already has `voters` votes. */
  crowdedRelease: StormSide;
}

export interface Growth {
  auditRows: number;
  releases: number;
  voters: number;
  /** Measured presses per figure, `perSecond` a second. */
  presses: number;
  perSecond: number;
  seedSec: number;
  empty: GrowthRun;
  grown: GrowthRun;
  /** Grown database / empty database, fresh release (goal ≤ 1.2). */
  grownP99Ratio: number;
  grownP50Ratio: number;
  /** Release with `voters` votes / fresh release, both on the empty database (goal ≤ 1.2). */
  votersP99Ratio: number;
  votersP50Ratio: number;
}

const PRESSES = 1000;
const PER_SECOND = 100;
const AUDIT_TYPES = ["release_created", "vote_cast", "vote_cast", "vote_changed", "vote_cast", "decision_go", "state_changed", "state_changed", "state_changed", "state_changed"];

/**
 * Fills a migrated database the fast way: plain SQL in one transaction, `releases` closed
 * releases in the storm's channel and `auditRows` audit events spread over them, with a
 * valid hash chain (so `npm run audit:verify` passes on it, and the program's chain tip is
 * a real one).
 */
function seed(dbPath: string, releases: number, auditRows: number): void {
  openDatabase(dbPath).close();
  const sqlite = new Database(dbPath);
  sqlite.pragma("journal_mode = WAL");
  const t0 = Date.UTC(2025, 0, 1);
  const channelKey = `slack:${TEAM}:${CHANNEL}`;
  const release = sqlite.prepare(
    `INSERT INTO releases (seq, service, version, environment, manager_id, manager_name, channel_platform, channel_key, channel_native_id, scheduled_at, timezone, state, created_at, created_by, closed_at)
     VALUES (?, ?, ?, 'production', ?, 'mgr', 'slack', ?, ?, ?, 'UTC', 'closed', ?, ?, ?)`,
  );
  const audit = sqlite.prepare("INSERT INTO audit_events (release_id, at, actor, platform, type, data, prev_hash, hash) VALUES (?, ?, ?, 'slack', ?, ?, ?, ?)");
  sqlite.transaction(() => {
    const manager = `slack:${TEAM}:UMGR`;
    for (let seq = 1; seq <= releases; seq++) {
      const at = t0 + seq * 60_000;
      release.run(seq, `service-${seq % 200}`, `1.${Math.floor(seq / 200)}.${seq % 200}`, manager, channelKey, CHANNEL, at + 3_600_000, at, manager, at + 7_200_000);
    }
    let prev = GENESIS;
    for (let i = 0; i < auditRows; i++) {
      const seq = 1 + (i % releases);
      const row = { releaseId: `R-${seq}`, at: t0 + i * 1000, actor: `slack:${TEAM}:U${String(i % 5000).padStart(6, "0")}`, platform: "slack", type: AUDIT_TYPES[i % AUDIT_TYPES.length]!, data: JSON.stringify({ choice: "go", actorName: `user ${i % 5000}` }) };
      const hash = auditHash(prev, row);
      audit.run(row.releaseId, row.at, row.actor, row.type, row.data, prev, hash);
      prev = hash;
    }
  }).immediate();
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.close();
}

/** `/release create` through the program; resolves with the card the fake received. */
async function createCard(fake: FakeSlack, url: string, service: string): Promise<FakeCall> {
  const answer = await postSigned(url, slashBody(fake, "UMGR", `create ${service} 2.0.0 at in 2h`), "application/x-www-form-urlencoded");
  if (answer.status !== 200) throw new Error(`create answered ${answer.status}: ${answer.text}`);
  return fake.waitFor("chat.postMessage", (c) => visibleText(c).includes(service), 20_000);
}

/** One program on `dbPath`: PRESSES new voters on a fresh card, then on a card that first got `voters` votes. */
async function measure(dbPath: string, voters: number): Promise<GrowthRun> {
  const fake = await createFakeSlack({ teamId: TEAM, users: USERS });
  const app = await startProgram({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, DATABASE_PATH: dbPath, GONOGO_QUORUM: "100" });
  try {
    const url = `http://127.0.0.1:${app.port}`;
    const pid = app.child.pid!;
    const fresh = await createCard(fake, url, "probe-fresh");
    await storm(url, pressBodies(fake, fresh, "UW", 50), 250);
    await gonogoLullPassed();
    await collectBenchGarbage();
    const freshRelease = (await measuredStorm(pid, url, pressBodies(fake, fresh, "UF", PRESSES), (PRESSES / PER_SECOND) * 1000)).side;

    const crowded = await createCard(fake, url, "probe-crowded");
    // The crowd votes through the door, as fast as the program takes it (not measured).
    await storm(url, pressBodies(fake, crowded, "UV", voters), voters);
    await sleep(2000);
    await gonogoLullPassed();
    await collectBenchGarbage();
    const crowdedRelease = (await measuredStorm(pid, url, pressBodies(fake, crowded, "UC", PRESSES), (PRESSES / PER_SECOND) * 1000)).side;
    return { freshRelease, crowdedRelease };
  } finally {
    await app.stop();
    await fake.close();
  }
}

/**
 * Does gonogo slow down as its database grows? The same Slack load (PRESSES presses at
 * PER_SECOND a second, signed HTTP into `dist/main.js`) on an empty database and on one
 * seeded with `releases` closed releases and `auditRows` audit events; and, on each, on a
 * release that already has `voters` votes against one that has none.
 */
export async function benchGrowth(opts: { auditRows: number; releases: number; voters: number }): Promise<Growth> {
  const dir = mkdtempSync(join(tmpdir(), "gonogo-bench-growth-"));
  try {
    const emptyPath = join(dir, "empty.db");
    const grownPath = join(dir, "grown.db");
    const t = performance.now();
    seed(grownPath, opts.releases, opts.auditRows);
    const seedSec = round((performance.now() - t) / 1000, 1);
    const empty = await measure(emptyPath, opts.voters);
    const grown = await measure(grownPath, opts.voters);
    return {
      ...opts,
      presses: PRESSES,
      perSecond: PER_SECOND,
      seedSec,
      empty,
      grown,
      grownP99Ratio: round(grown.freshRelease.p99Ms / empty.freshRelease.p99Ms),
      grownP50Ratio: round(grown.freshRelease.p50Ms / empty.freshRelease.p50Ms),
      votersP99Ratio: round(empty.crowdedRelease.p99Ms / empty.freshRelease.p99Ms),
      votersP50Ratio: round(empty.crowdedRelease.p50Ms / empty.freshRelease.p50Ms),
    };
  } finally {
    await stopHttpStorms();
    rmSync(dir, { recursive: true, force: true });
  }
}

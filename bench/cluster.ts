import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { WRITER_LOCK } from "../db/postgres/transactions.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "../fakes/round-robin-proxy.js";
import { createFakeSlack, type FakeCall, type FakeSlack } from "../fakes/slack-api.js";
import { BOT_TOKEN, messageTs, postSigned, SIGNING_SECRET, slashBody, TEAM, USERS, visibleText } from "../fakes/slack-requests.js";
import { stopHttpStorms } from "./http-storm.js";
import { cpuOfAll, startProgram, storedVoters, type RunningGonogo } from "./processes.js";
import { pressBodies, storm, userId } from "./slack-storm.js";
import { percentile, round, sleep } from "./stats.js";

export interface ClusterSide {
  instances: number;
  p50Ms: number;
  p99Ms: number;
  non200: number;
  votesLost: number;
  /** Votes stored per second during the storm: stored / time from its start to the last one's commit (its ceiling when the app falls behind). */
  votesPerSec: number;
  /** CPU the gonogo processes used during the storm, summed, per press (µs; null off Linux). */
  cpuUsPerPress: number | null;
  /** How busy the whole machine was during the storm (%, all cores; null off Linux): near 100, the instances, the database and the load wait for a core. */
  machineBusyPct: number | null;
}

export type ClusterBench =
  | { skipped: string }
  | {
      presses: number;
      spreadMs: number;
      single: ClusterSide;
      cluster: ClusterSide;
      /** cluster p99 / single-SQLite p99 (goal ≤ 2). */
      p99Ratio: number;
      p50Ratio: number;
      /** SIGKILL of the instance holding a card's lease, mid-storm → the next edit of that card (goal ≤ 15,000). */
      cardTakeoverMs: number;
      /** Whether that card then showed every stored vote. */
      cardEndedTrue: boolean;
      /** SIGKILL of the instance that claimed a reminder, before it committed → the reminder posted by another (goal ≤ 15,000). */
      orphanedReminderMs: number;
    };

const FORM = "application/x-www-form-urlencoded";
const SERVER = process.env.BENCH_DATABASE_URL || process.env.CI_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";

async function until<T>(what: string, ms: number, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`bench cluster: timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

async function createCard(front: string, fake: FakeSlack, text: string, releaseId: string): Promise<FakeCall> {
  const answer = await postSigned(front, slashBody(fake, "UMGR", text), FORM);
  if (answer.status !== 200) throw new Error(`create answered ${answer.status}: ${answer.text} (Bolt answers 404 to a command not acknowledged within 3 s: the app was still working off a storm)`);
  return fake.waitFor("chat.postMessage", (c) => !c.params.thread_ts && visibleText(c).includes(releaseId), 20_000);
}

/** How many of the storm's votes were stored and when the last was taken (its `at`), from the app's own database. */
type StormVotes = () => Promise<{ n: number; lastAt: number }>;

/** The same storm against one front of the gonogo processes `pids`: 50 presses to warm up, then `presses` within `spreadMs`. */
async function storms(front: string, pids: number[], fake: FakeSlack, card: FakeCall, presses: number, spreadMs: number, stored: () => Promise<Set<string>>, stormVotes: StormVotes): Promise<ClusterSide> {
  await storm(front, pressBodies(fake, card, "UW", 50), 250);
  const started = Date.now();
  const { result: run, cpuMs, machineBusyPct } = await cpuOfAll(pids, () => storm(front, pressBodies(fake, card, "US", presses), spreadMs));
  // Counted from the database, not from the acks: an overloaded app may still commit a vote whose ack came too late.
  const taken = await until("the storm's votes to settle", 60_000, async () => {
    const a = await stormVotes();
    await sleep(1_000);
    const b = await stormVotes();
    return a.n === b.n ? b : undefined;
  });
  const acked = run.statuses.map((s, i) => (s === 200 ? userId("US", i) : "")).filter(Boolean);
  const have = await stored();
  return {
    instances: pids.length,
    p50Ms: round(percentile(run.latencies, 50)),
    p99Ms: round(percentile(run.latencies, 99)),
    non200: run.statuses.filter((s) => s !== 200).length,
    votesLost: acked.filter((u) => !have.has(`slack:${TEAM}:${u}`)).length,
    votesPerSec: round(taken.n / (Math.max(1, taken.lastAt - started) / 1000), 0),
    cpuUsPerPress: cpuMs === null ? null : round((cpuMs * 1000) / presses, 0),
    machineBusyPct,
  };
}

/**
 * `npm run bench -- cluster`: the same Slack storm through a round-robin front against one
 * gonogo process on SQLite and against three on one PostgreSQL database, in one run; then,
 * on the three, how long a card and a reminder stay orphaned when their instance is SIGKILLed.
 */
export async function benchCluster(presses = 600, spreadMs = 1_000): Promise<ClusterBench> {
  const admin = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch {
    return { skipped: `no PostgreSQL at ${new URL(SERVER).host} (set BENCH_DATABASE_URL to a server whose user may create databases)` };
  }
  const name = `gonogo_bench_${randomBytes(4).toString("hex")}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const dir = mkdtempSync(join(tmpdir(), "gonogo-bench-cluster-"));
  const started: RunningGonogo[] = [];
  const fakes: FakeSlack[] = [];
  const proxies: RoundRobinProxy[] = [];
  const slackEnv = (fake: FakeSlack) => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, GONOGO_QUORUM: "100" });
  const sql = new pg.Pool({ connectionString: url.toString(), max: 2 });
  // An idle connection cut by the database (the drop at the end, a restart) must not crash the bench.
  sql.on("error", () => undefined);
  try {
    // One process on SQLite, behind the same kind of front as the cluster, so both pay its hop.
    const soloFake = await createFakeSlack({ teamId: TEAM, users: USERS });
    fakes.push(soloFake);
    const dbPath = join(dir, "gonogo.db");
    const solo = await startProgram({ ...slackEnv(soloFake), DATABASE_PATH: dbPath });
    started.push(solo);
    const soloFront = await startRoundRobinProxy(() => [solo.port]);
    proxies.push(soloFront);
    const soloCard = await createCard(soloFront.url, soloFake, "create payments 1.0.0 at in 2h", "R-1");
    const soloVotes: StormVotes = () => {
      const db = new Database(dbPath, { readonly: true });
      try {
        const row = db.prepare<[], { n: number; lastAt: number | null }>("SELECT count(*) AS n, max(at) AS lastAt FROM votes WHERE voter LIKE '%:US%'").get()!;
        return Promise.resolve({ n: row.n, lastAt: row.lastAt ?? 0 });
      } finally {
        db.close();
      }
    };
    const single = await storms(soloFront.url, [solo.child.pid!], soloFake, soloCard, presses, spreadMs, () => Promise.resolve(storedVoters(dbPath)), soloVotes);
    await solo.stop();

    // Three on PostgreSQL.
    const fake = await createFakeSlack({ teamId: TEAM, users: USERS });
    fakes.push(fake);
    const three = await Promise.all([1, 2, 3].map((n) => startProgram({ ...slackEnv(fake), DATABASE_URL: url.toString(), GONOGO_INSTANCE_ID: `g${n}` }, 40_000)));
    started.push(...three);
    const ports = three.map((g) => g.port);
    const front = await startRoundRobinProxy(() => ports);
    proxies.push(front);
    const voters = async () => new Set((await sql.query<{ voter: string }>("SELECT voter FROM votes")).rows.map((r) => r.voter));
    const card = await createCard(front.url, fake, "create payments 1.0.0 at in 2h", "R-1");
    const clusterVotes: StormVotes = async () => {
      const row = (await sql.query<{ n: string; last: string | null }>("SELECT count(*) AS n, max(at) AS last FROM votes WHERE voter LIKE '%:US%'")).rows[0]!;
      return { n: Number(row.n), lastAt: Number(row.last ?? 0) };
    };
    const cluster = await storms(front.url, three.map((g) => g.child.pid!), fake, card, presses, spreadMs, voters, clusterVotes);

    // A card's lease holder dies mid-storm (a gentler one, 50 presses a second): how long until another instance edits the card?
    const card2 = await createCard(front.url, fake, "create web 2.0.0 at in 2h", "R-2");
    const ts = messageTs(card2);
    const running = storm(front.url, pressBodies(fake, card2, "UK", 300), 6_000);
    const holder = await until("a lease on R-2's card", 10_000, async () => (await sql.query<{ holder: string | null }>("SELECT holder FROM card_leases WHERE message_id = $1", [ts])).rows[0]?.holder ?? undefined);
    const victim = three[Number(holder.slice(1)) - 1]!;
    const killedAt = Date.now();
    victim.child.kill("SIGKILL");
    ports.splice(ports.indexOf(victim.port), 1);
    await running;
    const next = await until("R-2's card to be edited after the kill", 30_000, () => fake.callsTo("chat.update").find((c) => c.params.ts === ts && c.at > killedAt));
    const storedOn2 = (await sql.query<{ n: string }>("SELECT count(*) AS n FROM votes WHERE release_seq = 2")).rows[0]!.n;
    const cardEndedTrue = await until("R-2's card to show every stored vote", 20_000, () => (fake.callsTo("chat.update").some((c) => c.params.ts === ts && visibleText(c).includes(`*GO* (${storedOn2})`)) ? true : undefined)).catch(() => false);

    // A reminder claimed by an instance that dies before committing it: the writer lock, held
    // here for a moment, keeps the claimant's transaction waiting, which shows who claimed it.
    const card3 = await createCard(front.url, fake, "create api 3.0.0 at in 1h 6s", "R-3");
    const dueAt = Number((await sql.query<{ due: string }>("SELECT due_at AS due FROM jobs WHERE release_id = 'R-3' AND kind = 'reminder'")).rows[0]!.due);
    const lock = await sql.connect();
    await sleep(Math.max(0, dueAt - Date.now() - 300));
    await lock.query("SELECT pg_advisory_lock($1)", [WRITER_LOCK]);
    let orphanedReminderMs: number;
    try {
      const claimant = await until("the reminder's claimant to wait for the writer lock", 10_000, async () => {
        const { rows } = await sql.query<{ app: string }>("SELECT application_name AS app FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND application_name LIKE 'gonogo-g%'", [name]);
        return rows[0]?.app;
      });
      const orphaner = three[Number(claimant.replace("gonogo-g", "")) - 1]!;
      const orphanedAt = Date.now();
      orphaner.child.kill("SIGKILL");
      ports.splice(ports.indexOf(orphaner.port), 1);
      await lock.query("SELECT pg_advisory_unlock($1)", [WRITER_LOCK]);
      const posted = await until("the orphaned reminder", 40_000, () => fake.callsTo("chat.postMessage").find((c) => c.params.thread_ts === messageTs(card3) && visibleText(c).includes("T-1h: R-3")));
      orphanedReminderMs = posted.at - orphanedAt;
    } finally {
      await lock.query("SELECT pg_advisory_unlock_all()").catch(() => undefined);
      lock.release();
    }

    return {
      presses,
      spreadMs,
      single,
      cluster,
      p99Ratio: round(cluster.p99Ms / single.p99Ms),
      p50Ratio: round(cluster.p50Ms / single.p50Ms),
      cardTakeoverMs: next.at - killedAt,
      cardEndedTrue,
      orphanedReminderMs,
    };
  } finally {
    await stopHttpStorms();
    for (const g of started) if (g.child.exitCode === null && g.child.signalCode === null) g.child.kill("SIGKILL");
    for (const p of proxies) await p.close();
    for (const f of fakes) await f.close();
    await sql.end();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

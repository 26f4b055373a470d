import { createFakeSlack, type FakeCall, type FakeSlack } from "../fakes/slack-api.js";
import { blockActionsPayload, BOT_TOKEN, buttonsOf, interactiveBody, messageTs, postSigned, SIGNING_SECRET, slashBody, TEAM, USERS, visibleText } from "../fakes/slack-requests.js";
import { httpStorm, stopHttpStorms, type StormResult } from "./http-storm.js";
import { bothSides, cpuDuring, gonogoLullPassed, startContenders, storedVoters } from "./processes.js";
import { maxInWindow, percentile, round } from "./stats.js";

export interface StormSide {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non200: number;
  /** CPU time the app's process used during the storm, per press (µs; null off Linux). */
  cpuUsPerPress: number | null;
}

export interface SlackStorm {
  presses: number;
  spreadMs: number;
  gonogo: StormSide;
  bareBolt: StormSide;
  /** gonogo p99 / bare Bolt p99 (goal ≤ 1.5). */
  p99Ratio: number;
  p50Ratio: number;
  votesLost: number;
  cardUpdates: number;
  maxUpdatesPerSecond: number;
  /** From the send of the last press to the chat.update that shows the true tally (goal ≤ 2000). */
  lastPressToTrueTallyMs: number;
  /** Each round's figures; the ones above are medians (latency) and worst cases (the rest). */
  rounds: unknown[];
}

export const userId = (prefix: string, i: number) => `${prefix}${String(i).padStart(6, "0")}`;

/** Sends the presses from a worker thread, `spreadMs / n` apart. */
export function storm(url: string, bodies: string[], spreadMs: number): Promise<StormResult> {
  return httpStorm({ url: `${url}/slack/events`, bodies, spreadMs, signingSecret: SIGNING_SECRET });
}

/** One side of a round: the measured latencies, how many of the presses failed, the CPU the app used. */
export function stormSide(s: { latencies: number[]; presses: number; failed: number; cpuMs: number | null }): StormSide {
  return {
    p50Ms: round(percentile(s.latencies, 50)),
    p99Ms: round(percentile(s.latencies, 99)),
    maxMs: round(Math.max(...s.latencies)),
    non200: s.failed,
    cpuUsPerPress: s.cpuMs === null ? null : round((s.cpuMs * 1000) / s.presses, 0),
  };
}

/** A storm with the CPU the app's process used meanwhile. */
export async function measuredStorm(pid: number, url: string, bodies: string[], spreadMs: number): Promise<{ run: StormResult; side: StormSide }> {
  const { result: run, cpuMs } = await cpuDuring(pid, () => storm(url, bodies, spreadMs));
  return { run, side: stormSide({ latencies: run.latencies, presses: bodies.length, failed: run.statuses.filter((s) => s !== 200).length, cpuMs }) };
}

/** `n` presses of Go by new users `<prefix>000000`…, on the cards in turn. */
export function pressBodies(fake: FakeSlack, cards: FakeCall | FakeCall[], prefix: string, n: number): string[] {
  const list = Array.isArray(cards) ? cards : [cards];
  const gos = list.map((card) => {
    const go = buttonsOf(card).get("Go");
    if (!go) throw new Error("the card has no Go button");
    return go;
  });
  return Array.from({ length: n }, (_, i) => interactiveBody(blockActionsPayload(fake, userId(prefix, i), list[i % list.length]!, gos[i % list.length]!, "Go")));
}

interface Round {
  gonogo: StormSide;
  bare: StormSide;
  votesLost: number;
  cardUpdates: number;
  maxUpdatesPerSecond: number;
  lastPressToTrueTallyMs: number;
}

/** Medians of each side over the rounds, the worst of the rest: one noisy round cannot make or break a goal. */
export function aggregate(rounds: Round[]): Omit<SlackStorm, "presses" | "spreadMs" | "bareBolt" | "gonogo" | "rounds"> & { gonogo: StormSide; bare: StormSide } {
  const med = (xs: number[]) => percentile(xs, 50);
  const sideOf = (pick: (r: Round) => StormSide): StormSide => ({
    p50Ms: med(rounds.map((r) => pick(r).p50Ms)),
    p99Ms: med(rounds.map((r) => pick(r).p99Ms)),
    maxMs: Math.max(...rounds.map((r) => pick(r).maxMs)),
    non200: rounds.reduce((n, r) => n + pick(r).non200, 0),
    cpuUsPerPress: rounds.some((r) => pick(r).cpuUsPerPress === null) ? null : med(rounds.map((r) => pick(r).cpuUsPerPress!)),
  });
  const gonogo = sideOf((r) => r.gonogo);
  const bare = sideOf((r) => r.bare);
  return {
    gonogo,
    bare,
    p99Ratio: round(gonogo.p99Ms / bare.p99Ms),
    p50Ratio: round(gonogo.p50Ms / bare.p50Ms),
    votesLost: rounds.reduce((n, r) => n + r.votesLost, 0),
    cardUpdates: Math.max(...rounds.map((r) => r.cardUpdates)),
    maxUpdatesPerSecond: Math.max(...rounds.map((r) => r.maxUpdatesPerSecond)),
    lastPressToTrueTallyMs: Math.max(...rounds.map((r) => r.lastPressToTrueTallyMs)),
  };
}

/**
 * 500 distinct users press Go within one second, as signed HTTP requests from a worker
 * thread: against the gonogo program (`dist/main.js`, as `npm start` runs it, with its
 * SQLite file) and against a bare Bolt app that only acks, each in its own process and
 * each with its own fake Slack API, in the same run. Each round is a fresh card and 500
 * new voters; the bare app and gonogo alternate.
 */
export async function benchSlackStorm(presses = 500, spreadMs = 1000, rounds = 11): Promise<SlackStorm> {
  const bareFake = await createFakeSlack({ teamId: TEAM, users: USERS });
  const fake = await createFakeSlack({ teamId: TEAM, users: USERS });
  const slackEnv = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET };
  const { bare, app, dbPath, stop } = await startContenders({ name: "bolt", env: { ...slackEnv, SLACK_API_URL: bareFake.apiUrl } }, { ...slackEnv, SLACK_API_URL: fake.apiUrl });
  const bareUrl = `http://127.0.0.1:${bare.readyArg}`;
  const url = `http://127.0.0.1:${app.port}`;
  const appPid = app.child.pid!;
  const create = async (text: string, releaseId: string): Promise<FakeCall> => {
    const answer = await postSigned(url, slashBody(fake, "UMGR", text), "application/x-www-form-urlencoded");
    if (answer.status !== 200) throw new Error(`create answered ${answer.status}: ${answer.text}`);
    return fake.waitFor("chat.postMessage", (c) => visibleText(c).includes(releaseId), 20_000);
  };
  try {
    const warmCard = await create("create warmup 0.0.1 at in 2h", "R-1");
    // Warm both paths (JIT, connection pools) with 50 presses each, off the measured cards.
    await bothSides(
      0,
      () => storm(bareUrl, pressBodies(bareFake, warmCard, "UW", 50), 250),
      () => storm(url, pressBodies(fake, warmCard, "UW", 50), 250),
    );

    const results: Round[] = [];
    for (let r = 0; r < rounds; r++) {
      const releaseId = `R-${r + 2}`;
      const card = await create(`create payments 1.4.${r} at in 2h`, releaseId);
      await gonogoLullPassed();
      const prefix = `US${r}`;
      const ts = messageTs(card);
      // Built before the storms, so their garbage is collected before either side starts.
      const bareBodies = pressBodies(bareFake, card, prefix, presses);
      const appBodies = pressBodies(fake, card, prefix, presses);
      const sides = await bothSides(
        r,
        () => measuredStorm(bare.pid, bareUrl, bareBodies, spreadMs),
        async () => {
          const updatesBefore = fake.callsTo("chat.update").length;
          const storm = await measuredStorm(appPid, url, appBodies, spreadMs);
          const truth = await fake.waitFor("chat.update", (c) => c.params.ts === ts && visibleText(c).includes(`*GO* (${presses})`), 20_000);
          return { storm, truth, cardUpdates: fake.callsTo("chat.update").slice(updatesBefore).filter((c) => c.params.ts === ts) };
        },
      );
      const { storm: run, truth, cardUpdates } = sides.gonogo;
      const acked = run.run.statuses.map((s, i) => (s === 200 ? `slack:${TEAM}:${userId(prefix, i)}` : "")).filter(Boolean);
      const stored = storedVoters(dbPath);
      results.push({
        gonogo: run.side,
        bare: sides.bare.side,
        votesLost: acked.filter((v) => !stored.has(v)).length,
        cardUpdates: cardUpdates.length,
        maxUpdatesPerSecond: maxInWindow(cardUpdates.map((c) => c.at), 1000),
        lastPressToTrueTallyMs: truth.at - run.run.lastSentAt,
      });
    }
    const agg = aggregate(results);
    return { presses, spreadMs, ...agg, bareBolt: agg.bare, rounds: results };
  } finally {
    await stopHttpStorms();
    await stop();
    await fake.close();
    await bareFake.close();
  }
}

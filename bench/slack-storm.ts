import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createFakeSlack, type FakeCall, type FakeSlack } from "../test/fakes/slack-api.js";
import { blockActionsPayload, buttonsOf, interactiveBody, messageTs, SIGNING_SECRET, BOT_TOKEN, startHarness, visibleText, TEAM, USERS } from "../test/slack/harness.js";
import { httpStorm, type StormResult } from "./http-storm.js";
import { maxInWindow, percentile, round, sleep } from "./stats.js";

export interface StormSide {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non200: number;
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

const userId = (prefix: string, i: number) => `${prefix}${String(i).padStart(6, "0")}`;

/** Sends the presses from a worker thread, `spreadMs / n` apart. */
function storm(url: string, bodies: string[], spreadMs: number): Promise<StormResult> {
  return httpStorm({ url: `${url}/slack/events`, bodies, spreadMs, signingSecret: SIGNING_SECRET });
}

function side(r: { latencies: number[]; statuses: number[] }): StormSide {
  return { p50Ms: round(percentile(r.latencies, 50)), p99Ms: round(percentile(r.latencies, 99)), maxMs: round(Math.max(...r.latencies)), non200: r.statuses.filter((s) => s !== 200).length };
}

function pressBodies(fake: FakeSlack, card: FakeCall, prefix: string, n: number): string[] {
  const go = buttonsOf(card).get("Go");
  if (!go) throw new Error("the card has no Go button");
  return Array.from({ length: n }, (_, i) => interactiveBody(blockActionsPayload(fake, userId(prefix, i), card, go, "Go")));
}

/** The framework's floor: a bare Bolt app in HTTP mode whose only listener acks. */
async function startBareBolt(fake: FakeSlack): Promise<{ url: string; stop(): Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: "/slack/events", processBeforeResponse: false, logLevel: LogLevel.ERROR });
  const app = new App({ token: BOT_TOKEN, receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } } });
  app.action(/.*/, async ({ ack }) => {
    await ack();
  });
  const server = (await app.start({ port: 0, host: "127.0.0.1" })) as Server;
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => app.stop() as Promise<void> };
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
 * 500 distinct users press Go within one second, as signed HTTP requests: against the
 * real app (Bolt + gonogo + SQLite) and a fake Slack API, and against a bare Bolt app that
 * only acks, in the same process and the same run. Each round is a fresh card and 500
 * new voters; the bare app and gonogo alternate.
 */
export async function benchSlackStorm(presses = 500, spreadMs = 1000, rounds = 7): Promise<SlackStorm> {
  // The bare app on its own fake, so the two never share a queue.
  const bareFake = await createFakeSlack({ teamId: TEAM, users: USERS });
  const bare = await startBareBolt(bareFake);
  const h = await startHarness({ config: { quorum: presses + 100 } });
  try {
    await h.slash("UMGR", "create warmup 0.0.1 at in 2h");
    const warmCard = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("R-1"));
    // Warm both paths (JIT, connection pools) with 50 presses each, off the measured cards.
    await storm(bare.url, pressBodies(bareFake, warmCard, "UW", 50), 250);
    await storm(h.url, pressBodies(h.fake, warmCard, "UW", 50), 250);
    await h.core.bot.idle();
    await sleep(1100);

    const results: Round[] = [];
    for (let r = 0; r < rounds; r++) {
      const releaseId = `R-${r + 2}`;
      await h.slash("UMGR", `create payments 1.4.${r} at in 2h`);
      const card = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes(releaseId));
      await h.core.bot.idle();
      const prefix = `US${r}`;
      const bareRun = await storm(bare.url, pressBodies(bareFake, card, prefix, presses), spreadMs);
      await sleep(500);
      const updatesBefore = h.fake.callsTo("chat.update").length;
      const run = await storm(h.url, pressBodies(h.fake, card, prefix, presses), spreadMs);
      const ts = messageTs(card);
      const truth = await h.fake.waitFor("chat.update", (c) => c.params.ts === ts && visibleText(c).includes(`*GO* (${presses})`), 20_000);
      await h.core.bot.idle();
      const acked = new Set(run.statuses.map((s, i) => (s === 200 ? `slack:${TEAM}:${userId(prefix, i)}` : "")).filter(Boolean));
      const stored = new Set(h.core.store.getVotes(releaseId).map((v) => v.voter));
      const cardUpdates = h.fake.callsTo("chat.update").slice(updatesBefore).filter((c) => c.params.ts === ts);
      results.push({
        gonogo: side(run),
        bare: side(bareRun),
        votesLost: [...acked].filter((v) => !stored.has(v)).length,
        cardUpdates: cardUpdates.length,
        maxUpdatesPerSecond: maxInWindow(cardUpdates.map((c) => c.at), 1000),
        lastPressToTrueTallyMs: truth.at - run.lastSentAt,
      });
      await sleep(1100);
    }
    const agg = aggregate(results);
    return { presses, spreadMs, ...agg, bareBolt: agg.bare, rounds: results };
  } finally {
    await h.close();
    await bare.stop();
    await bareFake.close();
  }
}

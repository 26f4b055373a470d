import { Client, Events, GatewayIntentBits } from "discord.js";
import { buttonCustomId } from "../adapters/discord/ids.js";
import { buttonPress, member } from "../test/fakes/discord-fixtures.js";
import { startFakeDiscord, type FakeCall, type FakeDiscord } from "../test/fakes/discord-server.js";
import { BOT_TOKEN, startHarness } from "../test/discord/harness.js";
import { maxInWindow, percentile, round, sleep } from "./stats.js";
import { aggregate, type StormSide } from "./slack-storm.js";

export interface DiscordStorm {
  presses: number;
  spreadMs: number;
  gonogo: StormSide;
  bareDiscordJs: StormSide;
  p99Ratio: number;
  p50Ratio: number;
  votesLost: number;
  cardEdits: number;
  maxEditsPerSecond: number;
  maxEditsPer5s: number;
  lastPressToTrueTallyMs: number;
  rounds: unknown[];
}

/** Stamps every call the fake records with the moment it was recorded (the fake keeps no times). */
function stamper(fake: FakeDiscord): Map<FakeCall, number> {
  const seen = new Map<FakeCall, number>();
  const push = fake.calls.push.bind(fake.calls);
  fake.calls.push = (...items: FakeCall[]) => {
    const now = performance.now();
    for (const c of items) seen.set(c, now);
    return push(...items);
  };
  return seen;
}

/** Dispatches one button press per member over the gateway, `spreadMs / n` apart; latency = dispatch → callback at the fake. */
async function storm(fake: FakeDiscord, stamps: Map<FakeCall, number>, releaseId: string, messageId: string, first: number, n: number, spreadMs: number) {
  const sentAt = new Map<string, number>();
  const users = Array.from({ length: n }, (_, i) => member(first + i));
  const gap = spreadMs / n;
  const start = performance.now();
  let lastSentWall = 0;
  for (const [i, user] of users.entries()) {
    const wait = start + i * gap - performance.now();
    if (wait > 1) await sleep(wait);
    const raw = buttonPress({ world: fake.world, user }, buttonCustomId("go", releaseId), messageId);
    sentAt.set(raw.id, performance.now());
    lastSentWall = performance.now();
    fake.dispatchInteraction(raw);
  }
  const isCallback = (c: FakeCall) => c.method === "POST" && c.path.startsWith("/interactions/") && c.status < 300;
  const latencies: number[] = [];
  const answered = new Set<string>();
  let scanned = 0;
  const deadline = performance.now() + 20_000;
  while (answered.size < n && performance.now() < deadline) {
    for (; scanned < fake.calls.length; scanned++) {
      const c = fake.calls[scanned]!;
      const id = c.path.split("/")[2] ?? "";
      const t0 = sentAt.get(id);
      if (!isCallback(c) || t0 === undefined || answered.has(id)) continue;
      answered.add(id);
      latencies.push(stamps.get(c)! - t0);
    }
    if (answered.size < n) await sleep(20);
  }
  return { latencies, users, lastSentWall };
}

function side(latencies: number[], n: number): StormSide {
  return { p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)), maxMs: round(Math.max(...latencies)), non200: n - latencies.length };
}

/** The framework's floor: a bare discord.js client whose only listener defers button presses. */
async function startBare(fake: FakeDiscord): Promise<Client> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
  client.on(Events.Error, () => undefined);
  client.on(Events.InteractionCreate, (i) => {
    if (i.isButton()) void i.deferUpdate().catch(() => undefined);
  });
  const ready = new Promise<void>((r) => client.once(Events.ClientReady, () => r()));
  await client.login(BOT_TOKEN);
  await ready;
  return client;
}

/**
 * 500 members press Go within one second over the fake Gateway, answered through the fake
 * REST API: gonogo (discord.js + core + SQLite, production edit interval) against a bare
 * discord.js client that only defers, in the same run. Each round is a fresh card and 500
 * new members; the bare client and gonogo alternate.
 */
export async function benchDiscordStorm(presses = 500, spreadMs = 1000, rounds = 7): Promise<DiscordStorm> {
  const bareFake = await startFakeDiscord();
  const bare = await startBare(bareFake);
  const bareStamps = stamper(bareFake);
  const h = await startHarness({ config: { quorum: presses + 100 }, minUpdateIntervalMs: 1000 });
  const stamps = stamper(h.fake);
  try {
    await h.command(h.admin, "create", { service: "warmup", version: "0.0.1" });
    const warmId = await h.cardMessageId("R-1");
    await storm(bareFake, bareStamps, "R-1", warmId, 10_000, 50, 250);
    await storm(h.fake, stamps, "R-1", warmId, 10_000, 50, 250);
    await h.core.bot.idle();
    await sleep(1100);

    const results: Array<Parameters<typeof aggregate>[0][number] & { maxEditsPer5s: number }> = [];
    for (let r = 0; r < rounds; r++) {
      const releaseId = `R-${r + 2}`;
      await h.command(h.admin, "create", { service: "payments", version: `1.4.${r}` });
      const cardId = await h.cardMessageId(releaseId);
      await h.core.bot.idle();
      const first = 1 + r * presses;
      const bareRun = await storm(bareFake, bareStamps, releaseId, cardId, first, presses, spreadMs);
      await sleep(500);
      const callsBefore = h.fake.calls.length;
      const run = await storm(h.fake, stamps, releaseId, cardId, first, presses, spreadMs);
      const isEdit = (c: FakeCall) => c.method === "PATCH" && c.path.endsWith(`/messages/${cardId}`) && c.status === 200;
      const truth = await h.fake.waitFor((c) => isEdit(c) && JSON.stringify(c.body?.embeds?.[0]?.fields ?? []).includes(`"GO (${presses})"`), 20_000);
      await h.core.bot.idle();
      const stored = new Set(h.core.store.getVotes(releaseId).map((v) => v.voter));
      const editTimes = h.fake.calls.slice(callsBefore).filter(isEdit).map((c) => stamps.get(c)!);
      results.push({
        gonogo: side(run.latencies, presses),
        bare: side(bareRun.latencies, presses),
        votesLost: run.users.filter((u) => !stored.has(`discord:${h.fake.world.guildId}:${u.id}`)).length,
        cardUpdates: editTimes.length,
        maxUpdatesPerSecond: maxInWindow(editTimes, 1000),
        maxEditsPer5s: maxInWindow(editTimes, 5000),
        lastPressToTrueTallyMs: round(stamps.get(truth)! - run.lastSentWall, 0),
      });
      await sleep(1100);
    }
    const agg = aggregate(results);
    return {
      presses,
      spreadMs,
      gonogo: agg.gonogo,
      bareDiscordJs: agg.bare,
      p99Ratio: agg.p99Ratio,
      p50Ratio: agg.p50Ratio,
      votesLost: agg.votesLost,
      cardEdits: agg.cardUpdates,
      maxEditsPerSecond: agg.maxUpdatesPerSecond,
      maxEditsPer5s: Math.max(...results.map((r) => r.maxEditsPer5s)),
      lastPressToTrueTallyMs: agg.lastPressToTrueTallyMs,
      rounds: results,
    };
  } finally {
    await h.close();
    await bare.destroy();
    await bareFake.close();
  }
}

import { buttonCustomId } from "../adapters/discord/ids.js";
import { BOT_TOKEN, buttonPress, member, slashCommand, type FakeMember } from "../fakes/discord-fixtures.js";
import { startFakeDiscord, type FakeCall, type FakeDiscord } from "../fakes/discord-server.js";
import { bothSides, cpuDuring, gonogoLullPassed, startContenders, storedVoters } from "./processes.js";
import { maxInWindow, round, sleep } from "./stats.js";
import { aggregate, stormSide, type StormSide } from "./slack-storm.js";

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
export function stamper(fake: FakeDiscord): Map<FakeCall, number> {
  const seen = new Map<FakeCall, number>();
  const push = fake.calls.push.bind(fake.calls);
  fake.calls.push = (...items: FakeCall[]) => {
    const now = performance.now();
    for (const c of items) seen.set(c, now);
    return push(...items);
  };
  return seen;
}

const isCallback = (c: FakeCall) => c.method === "POST" && c.path.startsWith("/interactions/") && c.status < 300;

/** A card to press Go on: the release and the message that shows it. */
export interface StormTarget {
  releaseId: string;
  messageId: string;
}

/**
 * Dispatches one button press per member over the gateway, `spreadMs / n` apart, taking
 * the cards in `targets` in turn; latency = dispatch → callback at the fake.
 */
export async function storm(fake: FakeDiscord, stamps: Map<FakeCall, number>, targets: StormTarget[], first: number, n: number, spreadMs: number) {
  const sentAt = new Map<string, number>();
  const ids: string[] = [];
  const users = Array.from({ length: n }, (_, i) => member(first + i));
  const gap = spreadMs / n;
  const start = performance.now();
  let lastSentWall = 0;
  for (const [i, user] of users.entries()) {
    const wait = start + i * gap - performance.now();
    if (wait > 1) await sleep(wait);
    const { releaseId, messageId } = targets[i % targets.length]!;
    const raw = buttonPress({ world: fake.world, user }, buttonCustomId("go", releaseId), messageId);
    sentAt.set(raw.id, performance.now());
    ids.push(raw.id);
    lastSentWall = performance.now();
    fake.dispatchInteraction(raw);
  }
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
  const ackedUsers = users.filter((_, i) => answered.has(ids[i]!));
  return { latencies, ackedUsers, lastSentWall };
}

/** A storm with the CPU the app's process `pid` used meanwhile. */
export async function measuredStorm(pid: number, ...args: Parameters<typeof storm>) {
  const { result: run, cpuMs } = await cpuDuring(pid, () => storm(...args));
  const presses = args[4];
  return { ...run, side: stormSide({ latencies: run.latencies, presses, failed: presses - run.latencies.length, cpuMs }) };
}

/** Runs `/release create` as `admin` through the fake and returns the card's message id. */
export async function createRelease(fake: FakeDiscord, admin: FakeMember, releaseId: string, service: string, version: string): Promise<string> {
  const raw = fake.dispatchInteraction(slashCommand({ world: fake.world, user: admin }, "create", { service, version }));
  await fake.callbackFor(raw.id, 20_000);
  const posted = await fake.waitFor(
    (c) => c.method === "POST" && c.path === `/channels/${fake.world.channelId}/messages` && c.status === 200 && !c.body.message_reference && String(c.body.embeds?.[0]?.title ?? "").startsWith(`${releaseId} ·`),
    20_000,
  );
  return String(posted.response.id);
}

/**
 * 500 members press Go within one second over the fake Gateway, answered through the fake
 * REST API: the gonogo program (`dist/main.js`, as `npm start` runs it, with its SQLite
 * file and production edit interval) against a bare discord.js client that only defers,
 * each in its own process, in the same run. Each round is a fresh card and 500 new
 * members; the bare client and gonogo alternate.
 */
export async function benchDiscordStorm(presses = 500, spreadMs = 1000, rounds = 11): Promise<DiscordStorm> {
  const bareFake = await startFakeDiscord();
  const fake = await startFakeDiscord();
  const admin = member(0);
  const { bare, app, dbPath, stop } = await startContenders(
    { name: "discord", env: { DISCORD_TOKEN: BOT_TOKEN, DISCORD_API_URL: bareFake.apiUrl } },
    {
      DISCORD_TOKEN: BOT_TOKEN,
      DISCORD_APPLICATION_ID: fake.world.applicationId,
      DISCORD_GUILD_ID: fake.world.guildId,
      DISCORD_API_URL: fake.apiUrl,
      GONOGO_ADMINS: `discord:${fake.world.guildId}:${admin.id}`,
    },
  );
  const appPid = app.child.pid!;
  const bareStamps = stamper(bareFake);
  const stamps = stamper(fake);
  try {
    const warmId = await createRelease(fake, admin, "R-1", "warmup", "0.0.1");
    await bothSides(
      0,
      () => storm(bareFake, bareStamps, [{ releaseId: "R-1", messageId: warmId }], 10_000, 50, 250),
      () => storm(fake, stamps, [{ releaseId: "R-1", messageId: warmId }], 10_000, 50, 250),
    );

    const results: Array<Parameters<typeof aggregate>[0][number] & { maxEditsPer5s: number }> = [];
    for (let r = 0; r < rounds; r++) {
      const releaseId = `R-${r + 2}`;
      const cardId = await createRelease(fake, admin, releaseId, "payments", `1.4.${r}`);
      await gonogoLullPassed();
      const first = 1 + r * presses;
      const isEdit = (c: FakeCall) => c.method === "PATCH" && c.path.endsWith(`/messages/${cardId}`) && c.status === 200;
      const sides = await bothSides(
        r,
        () => measuredStorm(bare.pid, bareFake, bareStamps, [{ releaseId, messageId: cardId }], first, presses, spreadMs),
        async () => {
          const callsBefore = fake.calls.length;
          const run = await measuredStorm(appPid, fake, stamps, [{ releaseId, messageId: cardId }], first, presses, spreadMs);
          const truth = await fake.waitFor((c) => isEdit(c) && JSON.stringify(c.body?.embeds?.[0]?.fields ?? []).includes(`"GO (${presses})`), 20_000);
          return { run, truth, editTimes: fake.calls.slice(callsBefore).filter(isEdit).map((c) => stamps.get(c)!) };
        },
      );
      const { run, truth, editTimes } = sides.gonogo;
      const stored = storedVoters(dbPath);
      results.push({
        gonogo: run.side,
        bare: sides.bare.side,
        votesLost: run.ackedUsers.filter((u) => !stored.has(`discord:${fake.world.guildId}:${u.id}`)).length,
        cardUpdates: editTimes.length,
        maxUpdatesPerSecond: maxInWindow(editTimes, 1000),
        maxEditsPer5s: maxInWindow(editTimes, 5000),
        lastPressToTrueTallyMs: round(stamps.get(truth)! - run.lastSentWall, 0),
      });
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
    await stop();
    await fake.close();
    await bareFake.close();
  }
}

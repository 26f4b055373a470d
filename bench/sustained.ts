import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOT_TOKEN as DISCORD_TOKEN, member } from "../fakes/discord-fixtures.js";
import { startFakeDiscord, type FakeCall as DiscordCall } from "../fakes/discord-server.js";
import { createFakeSlack, type FakeCall as SlackCall, type FakeSlack } from "../fakes/slack-api.js";
import { BOT_TOKEN, messageTs, postSigned, SIGNING_SECRET, slashBody, TEAM, USERS, visibleText } from "../fakes/slack-requests.js";
import { createRelease, measuredStorm as discordStorm, stamper, storm as discordWarmStorm, type StormTarget } from "./discord-storm.js";
import { stopHttpStorms } from "./http-storm.js";
import { collectBenchGarbage, gonogoLullPassed, startBare, startProgram, storedVoters } from "./processes.js";
import { measuredStorm as slackStorm, pressBodies, storm as slackWarmStorm, userId, type StormSide } from "./slack-storm.js";
import { maxInWindow, round, sleep } from "./stats.js";

/** What one gonogo process did under the sustained load. */
export interface SustainedGonogo extends StormSide {
  /** Acknowledged presses whose vote is not in the database at the end. */
  votesLost: number;
  cardUpdates: number;
  /** The most updates of any one card within any 1 s (goal ≤ 1). */
  maxCardUpdatesPerSecond: number;
}

export interface SustainedPlatform {
  gonogo: SustainedGonogo;
  bare: StormSide;
  /** gonogo p99 / bare p99 (goal ≤ 1.5). */
  p99Ratio: number;
  p50Ratio: number;
}

export interface Sustained {
  seconds: number;
  perSecond: number;
  cards: number;
  slack: SustainedPlatform;
  discord: SustainedPlatform;
}

/** The presses go to this many cards in turn: a busy channel, not one release with 12,000 voters (the growth benchmark has that). */
const CARDS = 4;

interface Load {
  seconds: number;
  rate: number;
}

const presses = (load: Load) => load.seconds * load.rate;

/** Every update of each card, from the moment `since`: the total and the most of one card in any second. */
function cardUpdateFigures(timesByCard: number[][]): Pick<SustainedGonogo, "cardUpdates" | "maxCardUpdatesPerSecond"> {
  return { cardUpdates: timesByCard.reduce((n, t) => n + t.length, 0), maxCardUpdatesPerSecond: Math.max(0, ...timesByCard.map((t) => maxInWindow(t, 1000))) };
}

async function withDatabase<T>(run: (dbPath: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "gonogo-bench-sustained-"));
  try {
    return await run(join(dir, "gonogo.db"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Slack: the gonogo program on a fresh database, CARDS cards, then `rate` presses a second for `seconds`. */
async function slackGonogo(load: Load): Promise<{ side: SustainedGonogo; cards: SlackCall[] }> {
  const fake = await createFakeSlack({ teamId: TEAM, users: USERS });
  try {
    return await withDatabase(async (dbPath) => {
      const app = await startProgram({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, DATABASE_PATH: dbPath, GONOGO_QUORUM: "100" });
      try {
        const url = `http://127.0.0.1:${app.port}`;
        const cards: SlackCall[] = [];
        for (let c = 0; c < CARDS; c++) {
          const answer = await postSigned(url, slashBody(fake, "UMGR", `create payments-${c} 1.4.${c} at in 2h`), "application/x-www-form-urlencoded");
          if (answer.status !== 200) throw new Error(`create answered ${answer.status}: ${answer.text}`);
          cards.push(await fake.waitFor("chat.postMessage", (m) => visibleText(m).includes(`R-${c + 1}`), 20_000));
        }
        await slackWarmStorm(url, pressBodies(fake, cards, "UW", 50), 250);
        await gonogoLullPassed();
        await collectBenchGarbage();
        const bodies = pressBodies(fake, cards, "US", presses(load));
        const updatesBefore = fake.callsTo("chat.update").length;
        const { run, side } = await slackStorm(app.child.pid!, url, bodies, load.seconds * 1000);
        // The updates that show the last presses follow within a second or two.
        await sleep(2500);
        const updates = fake.callsTo("chat.update").slice(updatesBefore);
        const stored = storedVoters(dbPath);
        const acked = run.statuses.flatMap((s, i) => (s === 200 ? [`slack:${TEAM}:${userId("US", i)}`] : []));
        return {
          cards,
          side: {
            ...side,
            votesLost: acked.filter((v) => !stored.has(v)).length,
            ...cardUpdateFigures(cards.map((card) => updates.filter((u) => u.params.ts === messageTs(card)).map((u) => u.at))),
          },
        };
      } finally {
        await app.stop();
      }
    });
  } finally {
    await fake.close();
  }
}

/** Slack: the bare Bolt app under the same load (the presses name gonogo's cards; it acks whatever it gets). */
async function slackBare(cards: SlackCall[], load: Load): Promise<StormSide> {
  const fake: FakeSlack = await createFakeSlack({ teamId: TEAM, users: USERS });
  const bare = await startBare("bolt", { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl });
  try {
    const url = `http://127.0.0.1:${bare.readyArg}`;
    await slackWarmStorm(url, pressBodies(fake, cards, "UW", 50), 250);
    await sleep(500);
    await collectBenchGarbage();
    return (await slackStorm(bare.pid, url, pressBodies(fake, cards, "US", presses(load)), load.seconds * 1000)).side;
  } finally {
    await bare.stop();
    await fake.close();
  }
}

const DISCORD_ADMIN = member(0);
const WARM_FIRST = 900_000;
const FIRST = 1;

/** Discord: the gonogo program on a fresh database, CARDS cards, then the load over the fake Gateway. */
async function discordGonogo(load: Load): Promise<SustainedGonogo> {
  const fake = await startFakeDiscord();
  const stamps = stamper(fake);
  try {
    return await withDatabase(async (dbPath) => {
      const app = await startProgram(
        {
          DISCORD_TOKEN,
          DISCORD_APPLICATION_ID: fake.world.applicationId,
          DISCORD_GUILD_ID: fake.world.guildId,
          DISCORD_API_URL: fake.apiUrl,
          GONOGO_ADMINS: `discord:${fake.world.guildId}:${DISCORD_ADMIN.id}`,
          DATABASE_PATH: dbPath,
          GONOGO_QUORUM: "100",
        });
      try {
        const targets: StormTarget[] = [];
        for (let c = 0; c < CARDS; c++) targets.push({ releaseId: `R-${c + 1}`, messageId: await createRelease(fake, DISCORD_ADMIN, `R-${c + 1}`, `payments-${c}`, `1.4.${c}`) });
        await discordWarmStorm(fake, stamps, targets, WARM_FIRST, 50, 250);
        await gonogoLullPassed();
        await collectBenchGarbage();
        const callsBefore = fake.calls.length;
        const run = await discordStorm(app.child.pid!, fake, stamps, targets, FIRST, presses(load), load.seconds * 1000);
        await sleep(2500);
        const calls = fake.calls.slice(callsBefore);
        const isEditOf = (messageId: string) => (c: DiscordCall) => c.method === "PATCH" && c.path.endsWith(`/messages/${messageId}`) && c.status === 200;
        const stored = storedVoters(dbPath);
        return {
          ...run.side,
          votesLost: run.ackedUsers.filter((u) => !stored.has(`discord:${fake.world.guildId}:${u.id}`)).length,
          ...cardUpdateFigures(targets.map((t) => calls.filter(isEditOf(t.messageId)).map((c) => stamps.get(c)!))),
        };
      } finally {
        await app.stop();
      }
    });
  } finally {
    await fake.close();
  }
}

/** Discord: the bare discord.js client under the same load. */
async function discordBare(load: Load): Promise<StormSide> {
  const fake = await startFakeDiscord();
  const stamps = stamper(fake);
  const bare = await startBare("discord", { DISCORD_TOKEN, DISCORD_API_URL: fake.apiUrl });
  try {
    // The bare client defers any button: the ids only need the shape of gonogo's.
    const targets = Array.from({ length: CARDS }, (_, c) => ({ releaseId: `R-${c + 1}`, messageId: String(1_200_000_000_000_000_000n + BigInt(c)) }));
    await discordWarmStorm(fake, stamps, targets, WARM_FIRST, 50, 250);
    await sleep(500);
    await collectBenchGarbage();
    return (await discordStorm(bare.pid, fake, stamps, targets, FIRST, presses(load), load.seconds * 1000)).side;
  } finally {
    await bare.stop();
    await fake.close();
  }
}

function platformFigures(gonogo: SustainedGonogo, bare: StormSide): SustainedPlatform {
  return { gonogo, bare, p99Ratio: round(gonogo.p99Ms / bare.p99Ms), p50Ratio: round(gonogo.p50Ms / bare.p50Ms) };
}

/**
 * Load with no lulls: `rate` presses of Go a second for `seconds`, by new users on CARDS
 * cards in turn, against gonogo (`dist/main.js` in its own process, on its own SQLite
 * file) and then against the bare framework app, one after the other, for Slack (signed
 * HTTP from the sender thread) and Discord (the fake Gateway).
 */
export async function benchSustained(load: Load): Promise<Sustained> {
  try {
    const slackGonogoRun = await slackGonogo(load);
    const slackBareSide = await slackBare(slackGonogoRun.cards, load);
    await stopHttpStorms();
    const discordBareSide = await discordBare(load);
    const discordGonogoSide = await discordGonogo(load);
    return {
      seconds: load.seconds,
      perSecond: load.rate,
      cards: CARDS,
      slack: platformFigures(slackGonogoRun.side, slackBareSide),
      discord: platformFigures(discordGonogoSide, discordBareSide),
    };
  } finally {
    await stopHttpStorms();
  }
}

import { expect, it } from "vitest";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { openPostgres } from "../../db/postgres/client.js";
import { startPgCluster } from "../../db/postgres/notify.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { createBot } from "../../src/app/bot.js";
import type { Bot } from "../../src/app/bot-api.js";
import { ChannelClosedToBot, type Logger } from "../../src/app/ports.js";
import type { ReplyPart } from "../../src/app/views.js";
import { actorOf } from "../../src/domain/identity.js";
import type { ChannelRef } from "../../src/domain/types.js";
import { createFakeTime, defaultCoreConfig, linkAccounts, T0 } from "../helpers/core.js";
import { describeInstances } from "./describe-instances.js";

/*
 * The manager of a release is told privately, once per release and channel, that gonogo may not
 * post its card in a channel. With several instances on one database, "once" is once between them.
 */

const silent: Logger = { info() {}, warn() {}, error() {} };
const slackChannel: ChannelRef = { platform: "slack", key: "slack:T1:C1", nativeId: "C1" };
const discordChannel: ChannelRef = { platform: "discord", key: "discord:G1:1187331275440649999", nativeId: "1187331275440649999" };
const mia = actorOf({ kind: "person", platform: "slack", scope: "T1", user: "UMGR" }, "mia");
const danaOnSlack = actorOf({ kind: "person", platform: "slack", scope: "T1", user: "UDANA" }, "dana");
/** dana in the Discord server, where gonogo cannot send her a direct message: the manager is told instead. */
const danaOnDiscord = actorOf({ kind: "person", platform: "discord", scope: "G1", user: "2002" }, "dana");

describeInstances("a channel closed to the bot, across instances", ({ fresh, closeAfter }) => {

  /** An instance on `url` with Slack, and Discord whose `discordChannel` is closed to the bot; what it told whom privately. */
  async function start(url: string, name: string) {
    const handle = await openPostgres(url, { max: 4 });
    const cluster = await startPgCluster({ pool: handle.pool, listenUrl: url, instanceId: name, log: silent });
    const clock = createFakeTime(T0);
    clock.fastForward();
    const store = createPostgresStore(handle);
    const bot = createBot({ store, config: defaultCoreConfig, clock, timer: clock.timer, log: silent, cluster });
    const told: Array<{ person: string; line: ReplyPart[] }> = [];
    const slack = createRecordingSurface("slack");
    slack.surface.tellPrivately = (who, line) => (told.push({ person: who, line }), Promise.resolve());
    const discord = createRecordingSurface("discord");
    delete discord.surface.tellPrivately;
    const post = discord.surface.postCard.bind(discord.surface);
    discord.surface.postCard = (ch, card) => (ch.key === discordChannel.key ? Promise.reject(new ChannelClosedToBot("Missing Access")) : post(ch, card));
    bot.attachSurface(slack.surface);
    bot.attachSurface(discord.surface);
    await bot.start();
    closeAfter({ bot, cluster, handle });
    return { bot, told, store, clock };
  }

  it("two instances tell the manager once between them, however many times the card is shared there", async () => {
    const url = await fresh();
    const [a, b] = [await start(url, "A"), await start(url, "B")];
    await a.bot.handle({ kind: "command", actor: mia, channel: slackChannel, text: "create payments 1.4.2" });
    await linkAccounts(a, danaOnSlack, danaOnDiscord);
    const share = (on: Bot) => on.handle({ kind: "command", actor: danaOnDiscord, channel: discordChannel, text: "share R-1" });
    await share(a.bot);
    await Promise.all([a.bot.idle(), b.bot.idle()]);
    await share(b.bot);
    await Promise.all([a.bot.idle(), b.bot.idle()]);
    // Both at once, one on each.
    await Promise.all([share(a.bot), share(b.bot)]);
    await Promise.all([a.bot.idle(), b.bot.idle()]);

    expect([...a.told, ...b.told].map((t) => t.person)).toEqual(["slack:T1:UMGR"]);
  });
});

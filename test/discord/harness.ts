import type { Bot } from "../../src/app/bot-api.js";
import type { CardAction } from "../../src/app/events.js";
import type { Logger } from "../../src/app/ports.js";
import type { CoreConfig } from "../../src/app/context.js";
import { createDiscordAdapter, type StartDiscordOptions } from "../../adapters/discord/index.js";

/** What the composition root does: attach the Discord surface, then log in. */
export function startDiscord(options: StartDiscordOptions) {
  const adapter = createDiscordAdapter(options);
  options.bot.attachSurface(adapter.surface);
  return adapter.start();
}
import { buttonCustomId } from "../../adapters/discord/ids.js";
import { admins, createTestCore, type TestCore } from "../helpers/core.js";
import { BOT_TOKEN, buttonPress, member, modalSubmit, selectMenu, slashCommand, type FakeMember } from "../../fakes/discord-fixtures.js";
import { startFakeDiscord, type FakeCall, type FakeDiscord, type Json } from "../../fakes/discord-server.js";

export { BOT_TOKEN };

/** The callback types Discord documents (InteractionResponseType). */
export const CALLBACK = { message: 4, deferredMessage: 5, deferredUpdate: 6, autocomplete: 8, modal: 9 } as const;

export interface Harness {
  core: TestCore;
  fake: FakeDiscord;
  logs: Array<{ level: string; obj: Record<string, unknown>; msg: string }>;
  admin: FakeMember;
  /** Runs `/release <sub>` as `user`; resolves with the interaction callback body. */
  command(user: FakeMember, sub: string, options?: Parameters<typeof slashCommand>[2]): Promise<Json>;
  /** Presses a card button; resolves with the callback body. */
  press(user: FakeMember, action: CardAction, releaseId: string, messageId: string): Promise<Json>;
  /** Presses a button with any custom_id (tampering tests). */
  pressRaw(user: FakeMember, customId: string, messageId: string): Promise<Json>;
  submit(user: FakeMember, customId: string, values: Record<string, string>, messageId?: string): Promise<Json>;
  /** Chooses options of a select menu on a message; resolves with the callback body. */
  select(user: FakeMember, customId: string, values: string[], messageId: string): Promise<Json>;
  /** Waits for the card of `releaseId` to be posted in the channel; returns its message id. */
  cardMessageId(releaseId: string): Promise<string>;
  /** The card message as it now stands after every edit (waits for pending updates, moving the fake clock through their spacing). */
  card(messageId: string): Promise<Json>;
  /** Replies (notices) posted under a card message. */
  notices(messageId: string): FakeCall[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: Partial<CoreConfig>;
  minUpdateIntervalMs?: number;
  deferAfterMs?: number;
  /** Wraps the real bot, e.g. to make it slow. */
  wrapBot?: (bot: Bot) => Bot;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const fake = await startFakeDiscord();
  const admin = member(0);
  const core = createTestCore({ config: { admins: admins(`discord:${fake.world.guildId}:${admin.id}`), ...opts.config }, fastForward: true });
  const logs: Harness["logs"] = [];
  const log: Logger = {
    info: (obj, msg) => logs.push({ level: "info", obj, msg }),
    warn: (obj, msg) => logs.push({ level: "warn", obj, msg }),
    error: (obj, msg) => logs.push({ level: "error", obj, msg }),
  };
  const discord = await startDiscord({
    bot: opts.wrapBot ? opts.wrapBot(core.bot) : core.bot,
    config: { token: BOT_TOKEN, applicationId: fake.world.applicationId, guildId: fake.world.guildId, apiUrl: fake.apiUrl },
    log,
    minUpdateIntervalMs: opts.minUpdateIntervalMs ?? 50,
    ...(opts.deferAfterMs ? { deferAfterMs: opts.deferAfterMs } : {}),
  });
  const base = (user: FakeMember) => ({ world: fake.world, user });
  const answer = async (raw: { id: string }): Promise<Json> => {
    const call = await fake.callbackFor(fake.dispatchInteraction(raw).id);
    return call.body;
  };
  const channelMessages = (c: FakeCall) => c.method === "POST" && c.path === `/channels/${fake.world.channelId}/messages` && c.status === 200;

  return {
    core,
    fake,
    logs,
    admin,
    command: (user, sub, options = {}) => answer(slashCommand(base(user), sub, options)),
    press: (user, action, releaseId, messageId) => answer(buttonPress(base(user), buttonCustomId(action, releaseId), messageId)),
    pressRaw: (user, customId, messageId) => answer(buttonPress(base(user), customId, messageId)),
    submit: (user, customId, values, messageId) => answer(modalSubmit(base(user), customId, values, messageId)),
    select: (user, customId, values, messageId) => answer(selectMenu(base(user), customId, values, messageId)),
    async cardMessageId(releaseId) {
      const call = await fake.waitFor((c) => channelMessages(c) && !c.body.message_reference && String(c.body.embeds?.[0]?.title ?? "").startsWith(`${releaseId} ·`));
      return String(call.response.id);
    },
    async card(messageId): Promise<Json> {
      await core.settle();
      const message = fake.messages.get(messageId);
      return message?.body;
    },
    notices: (messageId) => fake.calls.filter((c) => channelMessages(c) && c.body.message_reference?.message_id === messageId),
    async close() {
      await discord.stop();
      await core.close();
      await fake.close();
    },
  };
}

/** The card embed's vote field for a choice (`GO`, `NO-GO`, `Abstain`), or undefined. */
export function voteField(card: Json, title: "GO" | "NO-GO" | "Abstain"): string | undefined {
  return (card.embeds[0].fields as { name: string; value: string }[]).find((f) => f.name.startsWith(`${title} (`))?.value;
}

/** Custom_ids of the card's buttons, in order. */
export function buttonIds(card: Json): string[] {
  return (card.components as { components: { custom_id: string }[] }[]).flatMap((r) => r.components.map((b) => b.custom_id));
}

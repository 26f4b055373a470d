/** The bot token the fake Discord accepts. */
export const BOT_TOKEN = "MTE4NzMzMTA0ODc2MzYyOTYyOQ.GhXyZw.fake-bot-token-for-tests-only-0123456789";

/**
 * Discord payloads in their documented shapes (discord-api-docs: Interaction, Guild,
 * Message), with realistic snowflakes so @discordjs/rest buckets routes as in production.
 */

const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

/** A fresh snowflake for now: timestamp << 22 | increment. */
export function snowflake(): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

export interface FakeWorld {
  applicationId: string;
  guildId: string;
  channelId: string;
  botUserId: string;
  commandId: string;
  /** Server roles by name (besides @everyone, whose id is the guild id). */
  roles: Record<string, string>;
}

export function createWorld(): FakeWorld {
  return {
    applicationId: "1187331048763629629",
    guildId: "1187331275440648213",
    channelId: "1187331275440648216",
    botUserId: "1187331048763629629",
    commandId: "1187340015201329152",
    roles: { QA: "1187331812277321738", Security: "1187331812277321739", Oncall: "1187331812277321740" },
  };
}

export interface FakeMember {
  id: string;
  username: string;
  globalName?: string;
  roles?: string[];
}

/** Users with sequential, realistic snowflakes: member(0) … member(n). */
export function member(i: number, roles: string[] = []): FakeMember {
  return { id: (1187400000000000000n + BigInt(i) * 7919n).toString(), username: `member${i}`, globalName: `Member ${i}`, roles };
}

function botUser(world: FakeWorld) {
  return { id: world.botUserId, username: "gonogo", global_name: null, discriminator: "0", avatar: null, bot: true };
}

function apiUser(m: FakeMember) {
  return { id: m.id, username: m.username, global_name: m.globalName ?? null, discriminator: "0", avatar: null };
}

function apiMember(m: FakeMember) {
  return {
    user: apiUser(m),
    roles: m.roles ?? [],
    nick: null,
    avatar: null,
    joined_at: "2024-01-02T10:00:00.000000+00:00",
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    permissions: "2248473465835073",
    communication_disabled_until: null,
  };
}

function role(id: string, name: string, position: number) {
  return { id, name, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null, unicode_emoji: null, position, permissions: "1071698660929", managed: false, mentionable: true, flags: 0 };
}

export function readyPayload(world: FakeWorld, gatewayUrl: string) {
  return {
    v: 10,
    user: { ...botUser(world), verified: true, mfa_enabled: false, flags: 0 },
    guilds: [{ id: world.guildId, unavailable: true }],
    session_id: "2b8a5c3ef5f1bfa1ce7bbad3e8a5f0f4",
    resume_gateway_url: gatewayUrl,
    shard: [0, 1],
    application: { id: world.applicationId, flags: 565248 },
  };
}

export function guildCreatePayload(world: FakeWorld) {
  return {
    id: world.guildId,
    name: "Release Engineering",
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: member(0).id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 1,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    roles: [role(world.guildId, "@everyone", 0), ...Object.entries(world.roles).map(([name, id], i) => role(id, name, i + 1))],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    system_channel_id: world.channelId,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: "en-US",
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: "2024-01-02T10:00:00.000000+00:00",
    large: false,
    unavailable: false,
    member_count: 101,
    voice_states: [],
    members: [{ ...apiMember({ id: world.botUserId, username: "gonogo" }), user: botUser(world) }],
    channels: [{ id: world.channelId, type: 0, guild_id: world.guildId, name: "releases", position: 0, permission_overwrites: [], parent_id: null, topic: null, nsfw: false, last_message_id: null, rate_limit_per_user: 0, flags: 0 }],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** A message object as Discord returns it from `POST /channels/{c}/messages`. */
export function messagePayload(world: FakeWorld, channelId: string, id: string, body: Record<string, unknown>, edited = false) {
  const now = new Date().toISOString();
  return {
    id,
    channel_id: channelId,
    guild_id: world.guildId,
    type: body.message_reference ? 19 : 0,
    content: (body.content as string | undefined) ?? "",
    embeds: (body.embeds as unknown[] | undefined) ?? [],
    components: (body.components as unknown[] | undefined) ?? [],
    author: botUser(world),
    attachments: [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    timestamp: now,
    edited_timestamp: edited ? now : null,
    flags: (body.flags as number | undefined) ?? 0,
    ...(body.message_reference ? { message_reference: { type: 0, channel_id: channelId, guild_id: world.guildId, ...body.message_reference } } : {}),
  };
}

interface InteractionBase {
  world: FakeWorld;
  user: FakeMember;
  channelId?: string;
}

function interactionBase({ world, user, channelId }: InteractionBase, type: number) {
  const channel = channelId ?? world.channelId;
  return {
    id: snowflake(),
    application_id: world.applicationId,
    type,
    token: `aW50ZXJhY3Rpb246${snowflake()}OnNlY3JldC10b2tlbi1mb3ItdGVzdHM`,
    version: 1,
    guild_id: world.guildId,
    guild: { id: world.guildId, locale: "en-US", features: [] },
    channel_id: channel,
    channel: { id: channel, type: 0, guild_id: world.guildId, name: "releases", flags: 0, permissions: "2248473465835073" },
    member: apiMember(user),
    app_permissions: "2248473465835073",
    locale: "en-US",
    guild_locale: "en-US",
    entitlements: [],
    authorizing_integration_owners: { "0": world.guildId },
    context: 0,
    attachment_size_limit: 10485760,
  };
}

export type SlashOption = { name: string; type: number; value?: string | number | boolean; focused?: boolean };

const OPTION_TYPES = { string: 3, user: 6, role: 8, mentionable: 9 } as const;

/** `/release <sub> name:value…`. Values that are users/roles go in `resolved` as Discord sends them. */
export function slashCommand(
  base: InteractionBase,
  sub: string,
  options: Record<string, string | { user: FakeMember } | { role: string }> = {},
  kind: "command" | "autocomplete" = "command",
  focused?: string,
) {
  const resolved: { users: Record<string, unknown>; members: Record<string, unknown>; roles: Record<string, unknown> } = { users: {}, members: {}, roles: {} };
  const opts: SlashOption[] = Object.entries(options).map(([name, v]) => {
    if (typeof v === "string") return { name, type: OPTION_TYPES.string, value: v, ...(focused === name ? { focused: true } : {}) };
    if ("user" in v) {
      resolved.users[v.user.id] = apiUser(v.user);
      // Resolved members omit `user`; it sits in resolved.users.
      const { roles, nick, joined_at, permissions } = apiMember(v.user);
      resolved.members[v.user.id] = { roles, nick, joined_at, permissions, avatar: null, premium_since: null, flags: 0, pending: false };
      return { name, type: name === "who" ? OPTION_TYPES.mentionable : OPTION_TYPES.user, value: v.user.id };
    }
    const [roleName, roleId] = Object.entries(base.world.roles).find(([, id]) => id === v.role) ?? ["role", v.role];
    resolved.roles[roleId] = role(roleId, roleName, 1);
    return { name, type: OPTION_TYPES.mentionable, value: roleId };
  });
  return {
    ...interactionBase(base, kind === "command" ? 2 : 4),
    data: {
      id: base.world.commandId,
      name: "release",
      type: 1,
      guild_id: base.world.guildId,
      options: [{ name: sub, type: 1, options: opts }],
      resolved,
    },
  };
}

/** A button press on a message the bot posted. */
export function buttonPress(base: InteractionBase, customId: string, messageId: string) {
  return {
    ...interactionBase(base, 3),
    data: { custom_id: customId, component_type: 2 },
    message: messagePayload(base.world, base.channelId ?? base.world.channelId, messageId, {}),
  };
}

/** A choice in a string select menu on a message the bot posted. */
export function selectMenu(base: InteractionBase, customId: string, values: string[], messageId: string) {
  return {
    ...interactionBase(base, 3),
    data: { custom_id: customId, component_type: 3, values },
    message: messagePayload(base.world, base.channelId ?? base.world.channelId, messageId, {}),
  };
}

/** A modal submitted: text inputs inside Label components, as Discord sends them today. */
export function modalSubmit(base: InteractionBase, customId: string, values: Record<string, string>, messageId?: string) {
  let n = 0;
  return {
    ...interactionBase(base, 5),
    data: {
      custom_id: customId,
      components: Object.entries(values).map(([key, value]) => ({ type: 18, id: ++n, component: { type: 4, id: ++n, custom_id: key, value } })),
    },
    ...(messageId ? { message: messagePayload(base.world, base.channelId ?? base.world.channelId, messageId, {}) } : {}),
  };
}

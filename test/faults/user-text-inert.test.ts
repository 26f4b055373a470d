import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CardView, FormView, NoticeView } from "../../src/app/views.js";
import { renderCard as slackCard } from "../../adapters/slack/render-card.js";
import { renderNotice as slackNotice, renderReplyMessage as slackReply } from "../../adapters/slack/render.js";
import { renderMessageModal, renderModal as slackModal } from "../../adapters/slack/render-form.js";
import { renderHome } from "../../adapters/slack/render-home.js";
import { renderFormErrors, renderModal as discordModal } from "../../adapters/discord/render-form.js";
import { renderCard as discordCard, renderNotice as discordNotice, renderReplyMessage as discordReply } from "../../adapters/discord/render.js";
import { startHarness as startSlack, USERS, type Harness as SlackHarness } from "../slack/harness.js";
import { startHarness as startDiscord, type Harness as DiscordHarness } from "../discord/harness.js";
import { member } from "../../fakes/discord-fixtures.js";
import type { Json } from "../../fakes/discord-server.js";

/**
 * The rule under test: nothing a user typed can ping, link or format, on any platform, in
 * any payload. Hostile strings are built from the tokens that would do it; every payload
 * the renderers (and, end to end, the real Bolt and discord.js) send is checked.
 */
const TOKENS = [
  "<!channel>", "<!here>", "<!everyone>", "<@UEVIL>", "<!subteam^SEVIL>", "<https://evil.example|x>", "<#C1>",
  "@everyone", "@here", "@channel", "<@&1>", "<@1>", "<#1>", "<t:1:R>", "</release:1>",
  "*zq*", "_zq_", "~zq~", "`zq`", "```zq```", "||zq||", "__zq__", "[zq](https://e.example)",
  "＊zq＊", "&amp;", "&lt;", "&", "<", ">", "> quote", ">>> quote", "# head", "-# sub", "- item", "1. num", "\\", "\\*", ":zq:",
];
const piece = fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 }));
const hostile = fc.array(fc.tuple(piece, fc.constantFrom(" ", "\n", "")), { minLength: 1, maxLength: 8 }).map((parts) => parts.map(([p, s]) => p + s).join(""));

// ---------- Slack ----------

const SLACK_TOKEN = /<@([A-Z0-9]+)>|<!subteam\^([A-Z0-9]+)>|<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>|&]*>/g;
const FORMATS = ["*zq*", "_zq_", "~zq~", "`zq`"];

interface Meant {
  users: Set<string>;
  groups: Set<string>;
}

/**
 * Code spans and blocks, which the core's own `marks` become (and a user's backticks may pair
 * into): checked to hold nothing that could ping or link even there, then set aside.
 */
const CODE = /```[\s\S]*?```|`[^`\n]+`/g;
function outsideCode(markup: string, inert: (code: string) => void): string {
  return markup.replace(CODE, (code) => {
    inert(code);
    return " ";
  });
}

/** One mrkdwn string or top-level text: only the mentions meant, nothing else that Slack reads as markup. */
function checkSlackMarkup(markup: string, meant: Meant): void {
  // Slack reads a `<…>` token (a mention, a date with its fallback) as one piece, before anything else.
  const outsideTokens = markup.replace(SLACK_TOKEN, (_m, user?: string, group?: string) => {
    if (user) expect(meant.users, `mention of ${user} in ${markup}`).toContain(user);
    if (group) expect(meant.groups, `group mention ${group} in ${markup}`).toContain(group);
    return " ";
  });
  const rest = outsideCode(outsideTokens, (code) => {
    // Slack formats nothing in code, but `<…>` would still be a mention or a link there.
    expect(code, markup).not.toMatch(/[<>]|&(?!amp;|lt;|gt;)/);
    expect(code, markup).not.toMatch(/@(channel|here|everyone)/i);
  });
  expect(rest, markup).not.toMatch(/[<>]/);
  expect(rest, markup).not.toMatch(/&(?!amp;|lt;|gt;)/);
  expect(rest, markup).not.toMatch(/@(channel|here|everyone)/i);
  expect(rest, markup).not.toMatch(/^\s*&gt;/m);
  for (const f of FORMATS) {
    // Slack opens italics only at a word's edge: `here_zq_0` is a word with underscores in it.
    if (f === "_zq_") expect(rest, markup).not.toMatch(/(^|[^\p{L}\p{N}])_zq_(?![\p{L}\p{N}])/u);
    else expect(rest, markup).not.toContain(f);
  }
}

/** Every mrkdwn text object and top-level `text` in a Slack payload (message, modal, home tab). */
function slackMarkups(payload: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, top: boolean) => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, false));
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (typeof o.text === "string" && (top || o.type === "mrkdwn")) out.push(o.text);
    if (o.type === "mrkdwn") expect(o.verbatim).toBe(true);
    for (const [k, child] of Object.entries(o)) if (k !== "text" || typeof child !== "string") walk(child, false);
  };
  walk(payload, true);
  return out;
}

function checkSlackPayload(payload: unknown, meant: Meant): string {
  const markups = slackMarkups(payload);
  for (const m of markups) checkSlackMarkup(m, meant);
  return markups.join("\n");
}

const LOOKALIKE_BACK: Record<string, string> = { "\u2217": "*", "\u02CD": "_", "\u223C": "~", "\u02CB": "`", "\uFE61": "＊" };
/** What a person reads: entities shown as characters, lookalikes as what they stand for, invisible marks gone. */
function slackReadable(markup: string): string {
  return markup
    .replace(/[\u00AD\u2060]/g, "")
    .replace(/[\u2217\u02CD\u223C\u02CB\uFE61]/g, (c) => LOOKALIKE_BACK[c] ?? c)
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

// ---------- Discord ----------

const DISCORD_TOKEN = /<t:\d+:[FR]>|<@(\d+)>|<@&(\d+)>/g;

interface DiscordMeant {
  users: Set<string>;
  roles: Set<string>;
}

/** One markdown string: escaped marks are literal; what is left may only be the renderer's own tokens. */
function checkDiscordMarkdown(markdown: string, meant: DiscordMeant): void {
  // Discord shows code exactly as written (no mention, link or format there); only @everyone/@here are broken up even so.
  const prose = outsideCode(markdown.replace(/\\[^0-9A-Za-z\s]/g, "§"), (code) => expect(code, markdown).not.toMatch(/@(everyone|here)/i));
  const literal = prose;
  const rest = literal.replace(DISCORD_TOKEN, (_m, user?: string, role?: string) => {
    if (user) expect(meant.users, `mention of ${user} in ${markdown}`).toContain(user);
    if (role) expect(meant.roles, `role mention ${role} in ${markdown}`).toContain(role);
    return " ";
  });
  expect(rest, markdown).not.toContain("<");
  expect(rest, markdown).not.toMatch(/@(everyone|here)/i);
  expect(rest, markdown).not.toMatch(/^\s*(>|#|-#|- |\d+\. )/m);
  for (const f of [...FORMATS, "||zq||", "__zq__", "](https://"]) expect(rest, markdown).not.toContain(f);
}

/** A message body as sent: markdown where Discord reads it, and allowed_mentions naming only the meant. */
function checkDiscordMessage(body: Json, meant: DiscordMeant, allowedKey = "allowed_mentions"): string {
  const texts: string[] = [];
  if (typeof body.content === "string") texts.push(body.content);
  for (const e of body.embeds ?? []) {
    if (e.title) texts.push(e.title);
    if (e.description) texts.push(e.description);
    for (const f of e.fields ?? []) texts.push(f.name, f.value);
  }
  for (const t of texts) checkDiscordMarkdown(t, meant);
  const allowed = body[allowedKey];
  expect(allowed, `no ${allowedKey} on ${JSON.stringify(body).slice(0, 200)}`).toBeDefined();
  expect(allowed.parse ?? []).toEqual([]);
  for (const u of allowed.users ?? []) expect(meant.users).toContain(u);
  for (const r of allowed.roles ?? []) expect(meant.roles).toContain(r);
  return texts.join("\n");
}

function discordReadable(markdown: string): string {
  // Read left to right as Discord does: a code span or block shows as it is (backslashes too);
  // outside one, `\x` shows x, so `\\` is one backslash and a backtick after it opens code.
  let shown = "";
  for (let i = 0; i < markdown.length; ) {
    const code = /^(```[\s\S]*?```|`[^`]*`)/.exec(markdown.slice(i));
    if (code) {
      shown += code[0];
      i += code[0].length;
    } else if (markdown[i] === "\\" && /[^0-9A-Za-z\s]/.test(markdown[i + 1] ?? "a")) {
      shown += markdown[i + 1];
      i += 2;
    } else {
      shown += markdown[i];
      i += 1;
    }
  }
  return shown.replace(/\u200b/g, "");
}

// ---------- Views full of hostile text ----------

function hostileCard(t: string, platform: "slack" | "discord"): CardView {
  const manager = platform === "slack" ? "slack:T1:UMGR" : "discord:1:42";
  return {
    releaseId: "R-1",
    title: `${t} ${t} → ${t}`,
    service: t,
    version: t,
    environment: t,
    description: t,
    state: "voting",
    stateLabel: "Voting",
    managerId: manager,
    managerName: t,
    decision: "pending",
    decisionLine: `Pending: waiting for ${t}`,
    alsoPendingLine: `Also pending: waiting for ${t}`,
    pendingReasons: [`waiting for ${t}`, t],
    tally: { go: 1, noGo: 1, abstain: 0 },
    votes: [
      { voterId: manager, voterName: t, choice: "go", reason: t },
      { voterId: "terminal:ann", voterName: t, choice: "no_go", reason: t },
    ],
    scheduledAt: Date.UTC(2030, 0, 15, 14, 0),
    scheduledText: t,
    timezone: "UTC",
    countdownLine: t,
    nextReminder: "T-15m",
    notes: [`Held: ${t}`, t],
    buttons: [{ action: "go", label: t, style: "primary" }],
    // Criteria names are checked words; everything else on a checklist line may be typed by a person or CI.
    criteria: [{ name: "tests", status: "failed", byName: t, byCi: false, overridden: false, at: Date.UTC(2030, 0, 15, 13, 0), atText: t, note: t, url: null }],
    tickable: ["tests"],
    resolved: false,
    fallbackText: `R-1 ${t}\nVotes: ${t}`,
  };
}

function hostileForm(t: string): FormView {
  return {
    form: "no_go",
    releaseId: "R-1",
    title: t,
    context: t,
    submitLabel: t,
    fields: [{ key: "reason", label: t, kind: "multiline", required: true, placeholder: t, initial: t, maxLength: 500 }],
  };
}

describe("user text in every renderer", () => {
  it("Slack: cards, notices, replies, modals and App Home never ping, link or format from user text, and still show it", () => {
    fc.assert(
      fc.property(hostile, (t) => {
        const meant: Meant = { users: new Set(["UMGR", "UQA"]), groups: new Set(["SQA"]) };
        const card = hostileCard(t, "slack");
        const notice: NoticeView = { releaseId: "R-1", text: t, mention: ["slack:T1:UQA", "discord:G1:1"], mentionGroups: ["slack-group:T1:SQA"], buttons: [] };
        const readable = [
          checkSlackPayload(slackCard(card), meant),
          checkSlackPayload(slackNotice(notice), meant),
          checkSlackPayload(slackReply({ text: t, cards: [card], error: true }), meant),
          checkSlackPayload(slackReply({ text: t, cards: [card, card], error: false }), meant),
          checkSlackPayload(slackModal(hostileForm(t), { release: "R-1", channel: "C1", team: "T1" }), meant),
          checkSlackPayload(renderMessageModal("Nothing changed", t), meant),
          checkSlackPayload(renderHome([card], "T1"), meant),
        ].map(slackReadable);
        for (const shown of readable) expect(shown).toContain(t);
        // The card's fallback text, which notifications show, is the card as plain words.
        expect(slackReadable(slackCard(card).text)).toContain(`Votes: ${t}`);
      }),
      { numRuns: 200 },
    );
  }, 30_000);

  it("a bidi override in a name or reason is dropped on Slack and Discord, so the rest of its line reads as written", () => {
    const flipped = "dave\u202E OG \u2066x\u2069";
    // Button labels are the core's own words, never typed text.
    const buttons: CardView["buttons"] = [{ action: "go", label: "Go", style: "primary" }];
    const card = { ...hostileCard(flipped, "slack"), buttons };
    for (const payload of [slackCard(card), slackNotice({ releaseId: "R-1", text: flipped, mention: [], mentionGroups: [], buttons: [] }), discordCard({ ...hostileCard(flipped, "discord"), buttons })]) {
      const json = JSON.stringify(payload);
      expect(json).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
      expect(json).toContain("dave OG x");
    }
  });

  it("Discord: cards, notices, replies, modals and form errors never ping, link or format from user text, and still show it", () => {
    fc.assert(
      fc.property(hostile, (t) => {
        // 42 is the card's manager, shown as a mention in the embed (an embed pings nobody); 7 and 9 are the notice's.
        const meant: DiscordMeant = { users: new Set(["7", "42"]), roles: new Set(["9"]) };
        const card = hostileCard(t, "discord");
        const notice: NoticeView = { releaseId: "R-1", text: t, mention: ["discord:1:7", "discord:2:8", "slack:T1:U1"], mentionGroups: ["discord-role:1:9", "discord-role:2:10"], buttons: [] };
        const cardText = checkDiscordMessage(discordCard(card), meant);
        const noticeText = checkDiscordMessage(discordNotice(notice, "1", "100"), meant);
        const reply = discordReply(t, [card]);
        const replyText = checkDiscordMessage({ ...reply, allowed_mentions: { parse: [] } }, meant);
        checkDiscordMessage({ ...discordReply(t, [card, card]), allowed_mentions: { parse: [] } }, meant);
        const errors = renderFormErrors(t, { reason: t });
        checkDiscordMarkdown(errors, meant);
        const modal = discordModal(hostileForm(t));
        const display = modal.components.flatMap((c) => ("content" in c ? [c.content] : []));
        display.forEach((d) => checkDiscordMarkdown(d, meant));
        for (const shown of [cardText, noticeText, replyText, errors, ...display]) expect(discordReadable(shown)).toContain(t);
        expect(discordNotice(notice, "1", "100").allowed_mentions).toEqual({ parse: [], users: ["7"], roles: ["9"], replied_user: false });
      }),
      { numRuns: 200 },
    );
  }, 30_000);
});

// ---------- End to end: what the real Bolt and discord.js send to the fakes ----------

/** Text as Slack delivers a slash command with should_escape: `&<>` as entities. */
const slackTyped = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
/** Grammar-safe hostile text: one line (a command is one line), no leading or trailing blanks. */
const oneLine = hostile.map((t) => t.replace(/\n/g, " ").trim()).filter((t) => t.length > 0);

describe("user text end to end through the real Bolt app", () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlack();
  });
  afterAll(async () => h.close());

  it("every message, ephemeral answer and command ack Slack receives keeps typed mentions and formatting inert", async () => {
    const meant: Meant = { users: new Set(USERS.map((u) => u.id)), groups: new Set() };
    await fc.assert(
      fc.asyncProperty(oneLine, async (t) => {
        const from = h.fake.calls.length;
        const acks: unknown[] = [];
        const created = await h.slash("UMGR", `create payments 1.4.2 at in 2h desc ${slackTyped(t)} <!channel>`);
        acks.push(created.body);
        const id = /R-\d+/.exec(JSON.stringify(created.body))?.[0];
        expect(id, JSON.stringify(created.body)).toBeDefined();
        acks.push((await h.slash("UQA", `vote ${id} no-go ${slackTyped(t)} <!here>`)).body);
        acks.push((await h.slash("UMGR", `hold ${id} ${slackTyped(t)} <!everyone>`)).body);
        acks.push((await h.slash("UMGR", `status ${id}`)).body);
        await h.core.bot.idle();
        for (const body of acks) checkSlackPayload(body, meant);
        const sent = h.fake.calls.slice(from).filter((c) => ["chat.postMessage", "chat.update", "chat.postEphemeral", "response_url", "views.open", "views.publish"].includes(c.method));
        expect(sent.some((c) => c.method === "chat.postMessage")).toBe(true);
        const shown = sent.map((c) => checkSlackPayload(c.params, meant)).join("\n");
        // Whitespace runs may be kept or folded (the grammar splits words); compare with runs folded on both sides.
        expect(slackReadable(shown).replace(/\s+/g, " ")).toContain(t.replace(/\s+/g, " "));
      }),
      { numRuns: 6 },
    );
  }, 60_000);
});

describe("user text end to end through the real discord.js client", () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscord();
  });
  afterAll(async () => h.close());

  it("every channel message, edit and interaction answer discord.js sends keeps typed mentions and formatting inert and pings only the meant", async () => {
    const voter = member(1);
    const meant: DiscordMeant = { users: new Set([h.admin.id, voter.id]), roles: new Set() };
    await fc.assert(
      fc.asyncProperty(oneLine, async (t) => {
        const from = h.fake.calls.length;
        const created = await h.command(h.admin, "create", { service: "payments", version: "1.4.2", when: "in 2h", description: `${t} @everyone <@&1>` });
        const id = /R-\d+/.exec(String(created.data?.content))?.[0];
        expect(id, JSON.stringify(created)).toBeDefined();
        await h.command(voter, "vote", { id: id!, choice: "no-go", reason: `${t} @here` });
        await h.command(h.admin, "hold", { id: id!, reason: t });
        await h.command(h.admin, "status", { id: id! });
        await h.core.bot.idle();
        const calls = h.fake.calls.slice(from).filter((c) => c.status < 300);
        const messages = calls.filter((c) => /^\/channels\/\d+\/messages/.test(c.path) && (c.method === "POST" || c.method === "PATCH"));
        const answers = calls.filter((c) => /^\/interactions\/\d+\/[^/]+\/callback$/.test(c.path) && c.body?.data && c.body.type !== 9);
        expect(messages.length).toBeGreaterThan(0);
        expect(answers.length).toBe(4);
        const shown = [...messages.map((c) => checkDiscordMessage(c.body, meant)), ...answers.map((c) => checkDiscordMessage(c.body.data, meant))].join("\n");
        expect(discordReadable(shown)).toContain(t);
      }),
      { numRuns: 6 },
    );
  }, 60_000);
});

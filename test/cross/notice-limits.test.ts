import { describe, expect, it } from "vitest";
import type { NoticeView } from "../../src/app/views.js";
import { renderNotice as renderDiscordNotice, renderCard as renderDiscordCard } from "../../adapters/discord/render.js";
import { renderCard as renderSlackCard } from "../../adapters/slack/render-card.js";
import { renderNotice as renderSlackNotice } from "../../adapters/slack/render.js";
import { checkMessage } from "../../fakes/slack-api.js";
import { cardView } from "../discord/card-fixture.js";
import { limitProblems } from "../discord/limits-check.js";
import { clip, cutMarkdown } from "../../adapters/discord/limits.js";
import { truncate } from "../../adapters/slack/block-kit.js";
import { cutText } from "../../src/domain/limits.js";

const GUILD = "111111111111111111";
const discordPerson = (i: number) => `discord:${GUILD}:${300000000000000000n + BigInt(i)}`;
const slackPerson = (i: number) => `slack:T1:U${String(i).padStart(8, "0")}`;
const WORDS = "R-1 payments 1.4.3 changed its version: the votes cast for 1.4.2 no longer count. Vote again on the card.";

function notice(mention: string[], over: Partial<NoticeView> = {}): NoticeView {
  return { releaseId: "R-1", text: WORDS, mention, mentionGroups: [], buttons: [], ...over };
}

/** Whether text holds no half of a character (a lone UTF-16 surrogate, which JSON.stringify writes as `\\udXXX`). */
const whole = (text: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\\ud[89a-f][0-9a-f]{2}/i.test(text);

describe("a notice that mentions many people", () => {
  const many = (person: (i: number) => string) => Array.from({ length: 150 }, (_, i) => person(i));

  it("on Discord stays under 2,000 characters with its words whole, mentions as many as fit and counts the rest", () => {
    const body = renderDiscordNotice(notice(many(discordPerson)), GUILD, "555");
    expect(limitProblems(body)).toEqual([]);
    expect(body.content!.length).toBeLessThanOrEqual(2000);
    expect(body.content).toContain(WORDS);
    const shown = body.allowed_mentions.users!;
    expect(shown.length).toBeGreaterThan(30);
    expect(body.content).toContain(`and ${150 - shown.length} more`);
    // Only the people shown are allowed to be pinged, each of them mentioned in the text.
    for (const id of shown) expect(body.content).toContain(`<@${id}>`);
  });

  it("on Slack keeps its words and names as many as fit, counting the rest", () => {
    const msg = renderSlackNotice(notice(many(slackPerson)));
    expect(checkMessage({ text: msg.text, blocks: msg.blocks })).toBeNull();
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain("votes cast for 1.4.2 no longer count");
    expect(text).toMatch(/and \d+ more/);
    expect(text).toContain("<@U00000000>");
  });

  it("mentions everyone when they fit, with no count", () => {
    const body = renderDiscordNotice(notice(many(discordPerson).slice(0, 3)), GUILD, "555");
    expect(body.allowed_mentions.users).toHaveLength(3);
    expect(body.content).not.toContain("more");
  });
});

describe("a Discord notice whose timed text grows when escaped", () => {
  it("falls back to its words, cut, and stays under 2,000 characters", () => {
    // Two no-go reasons of 500 asterisks: the words measure under the room, escaped they double.
    const reasons = ["*".repeat(500), "*".repeat(500)];
    const words = `⏰ T-5m: R-1 is due at 09:05 (UTC). Blocked by no-go from a: ${reasons[0]} · b: ${reasons[1]}`;
    const parts = ["⏰ T-5m: R-1 is due at ", { at: Date.UTC(2030, 0, 15, 9, 5), text: "09:05 (UTC)" }, `. Blocked by no-go from a: ${reasons[0]} · b: ${reasons[1]}`];
    const body = renderDiscordNotice(notice([discordPerson(1), discordPerson(2)], { text: words, parts }), GUILD, "555");
    expect(body.content!.length).toBeLessThanOrEqual(2000);
    expect(body.content).toContain("T-5m");
  });
});

describe("text cut to fit never splits an emoji", () => {
  const reason = (at: number) => `${"x".repeat(at)}🔥🔥🔥 ${"y".repeat(600)}`;

  it("in a no-go reason on the Discord card and the Slack card, wherever the cut falls", () => {
    for (let at = 95; at < 215; at++) {
      const card = cardView({ votes: [{ voterId: slackPerson(1), voterName: "dave", choice: "no_go", reason: reason(at) }], tally: { go: 0, noGo: 1, abstain: 0 }, description: reason(at + 1300) });
      expect(whole(JSON.stringify(renderDiscordCard(card))), `discord, emoji at ${at}`).toBe(true);
      expect(whole(JSON.stringify(renderSlackCard(card))), `slack, emoji at ${at}`).toBe(true);
    }
  });

  it("in a notice's words cut to the room left by its mentions", () => {
    for (let at = 1990; at < 2010; at++) {
      const body = renderDiscordNotice(notice([], { text: reason(at) }), GUILD, "555");
      expect(whole(body.content!), `emoji at ${at}`).toBe(true);
    }
  });
});

describe("a cut falls between characters as a person sees them", () => {
  const graphemes = (t: string) => [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(t)].map((g) => g.segment);
  const family = "👩‍👩‍👧‍👦";
  const flag = "🇫🇷";
  const thumb = "👍🏽";

  it("never keeps part of a flag, a skin tone or a family joined by zero-width joiners, on any platform", () => {
    for (let lead = 0; lead < 12; lead++) {
      const text = `${"a".repeat(lead)}${family}${flag}${thumb} done`;
      const whole = graphemes(text);
      for (let max = 2; max <= text.length; max++) {
        for (const [where, cut] of [["core", cutText(text, max)], ["Discord", clip(text, max)], ["Slack", truncate(text, max)]] as const) {
          const kept = graphemes(cut.replace(/…$/, ""));
          expect(kept, `${where}, ${lead} letters first, cut at ${max}`).toEqual(whole.slice(0, kept.length));
        }
      }
    }
  });
});

describe("Discord markdown cut to fit never leaves half a token", () => {
  const mention = "<@1187400000000000001>";
  const link = "[evidence](https://ci.example/runs/1234567890)";

  it("backs off before a mention, a timestamp or a link that would lose its end, and from a dangling escape", () => {
    for (let max = 2; max < 80; max++) {
      for (const text of [`GO: ${mention}, ${mention}, ${mention}`, `tests passed · ${link} · more`, `due <t:1894665600:F> and \\*not bold\\*`]) {
        const cut = cutMarkdown(text, max);
        expect(cut.length, `${text} at ${max}`).toBeLessThanOrEqual(max);
        expect(cut, `${text} at ${max}`).not.toMatch(/<[@t][^>]*…$|\[[^\]]*…$|\]\([^)]*…$|(?<!\\)\\…$/);
      }
    }
  });

  it("keeps the text after a `<` a person typed (escaped, it is text), cutting only at the limit", () => {
    const typed = `p99 \\< 200ms ${"and the error rate is fine ".repeat(40)}`;
    const cut = cutMarkdown(typed, 500);
    expect(cut.length).toBeGreaterThan(480);
    expect(cut.startsWith("p99 \\< 200ms and the error rate")).toBe(true);
  });

  it("keeps text that fits as it is, and whole tokens before the cut", () => {
    expect(cutMarkdown(`GO: ${mention}`, 100)).toBe(`GO: ${mention}`);
    expect(cutMarkdown(`GO: ${mention}, ${mention}`, 30)).toBe(`GO: ${mention}, …`);
  });
});

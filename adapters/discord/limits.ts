import { wholeCharacters } from "../../src/domain/limits.js";
import type { APIEmbed } from "discord.js";

/** Discord's documented limits (PLATFORM-FACTS B2); a request over any of them fails with 400. */
export const LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** Sum over every embed of a message. */
  embedTotal: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  modalTitle: 45,
  modalComponents: 5,
  labelText: 45,
  placeholder: 100,
  textInputValue: 4000,
  textDisplay: 4000,
  allowedMentions: 100,
  /** A string select: at most 25 options, each label at most 100 chars. */
  selectOptions: 25,
  selectOptionText: 100,
} as const;

/** Cuts text to `max` characters, marking the cut so nobody mistakes it for the whole. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  return max === 1 ? wholeCharacters(text, 1) : `${wholeCharacters(text, max - 1)}…`;
}

/**
 * Markdown cut to `max` characters like `clip`, but never through one of the renderer's
 * tokens: it backs off before a mention or timestamp whose `>` was cut off (`<@1187…`), before
 * a `[label](url)` link whose `)` was, and from an escaping backslash left at the end.
 */
export function cutMarkdown(markup: string, max: number): string {
  if (markup.length <= max) return markup;
  if (max <= 1) return clip(markup, max);
  let cut = wholeCharacters(markup, max - 1);
  // Only the renderer's own tokens: a `<` typed by a user is escaped (`\\<`) and is text.
  const token = /(?<!\\)<(?:[@#/:at][^>]*)?$/.exec(cut);
  if (token) cut = cut.slice(0, token.index);
  const link = /(?<!\\)\[[^\]]*\]\([^)]*$|(?<!\\)\[[^\]]*$/.exec(cut);
  if (link) cut = cut.slice(0, link.index);
  if (/(?<!\\)(\\\\)*\\$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Characters Discord counts towards the 6000 embed total. */
export function embedLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/**
 * Shrinks the longest texts (description, field values) until every embed together fits
 * Discord's total for one message (LIMITS.embedTotal). Votes and notes are what grows with
 * a busy release, so they give way first, and the title, state and decision stay readable.
 */
export function fitEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  const out = embeds.map((e) => ({ ...e, fields: e.fields?.map((f) => ({ ...f })) }));
  for (let guard = 0; guard < 500; guard++) {
    const total = out.reduce((n, e) => n + embedLength(e), 0);
    const over = total - LIMITS.embedTotal;
    if (over <= 0) break;
    let best: { get: () => string; set: (v: string) => void } | null = null;
    let bestLen = 0;
    for (const e of out) {
      if ((e.description?.length ?? 0) > bestLen) {
        bestLen = e.description?.length ?? 0;
        best = { get: () => e.description ?? "", set: (v) => (e.description = v) };
      }
      for (const f of e.fields ?? []) {
        if (f.value.length > bestLen) {
          bestLen = f.value.length;
          best = { get: () => f.value, set: (v) => (f.value = v) };
        }
      }
    }
    if (!best || bestLen <= 1) break;
    // Cut at most 30% per step so the overflow is shared by the longest texts, not one.
    best.set(cutMarkdown(best.get(), Math.max(1, bestLen - over, Math.floor(bestLen * 0.7))));
  }
  return out;
}

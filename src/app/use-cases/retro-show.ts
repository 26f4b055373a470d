import { answersCount, chatItem, noRetroYet, retroGroups, retroStage, type RetroNotesBy } from "../../domain/retro.js";
import { cutText } from "../../domain/limits.js";
import { relative } from "../../domain/time.js";
import type { Actor, Release } from "../../domain/types.js";
import { getReleaseOrThrow, requirePermission, type Ctx } from "../context.js";
import { ok } from "../replies.js";
import type { Reply, ReplyGroups } from "../views.js";

/** How long one written line may be in chat; the web view and the audit trail keep it whole. */
const CHAT_LINE = 400;
/** People named in the heading before the rest are counted. */
const NAMED = 10;

/** `/release retro R-1 show`: everyone's answers by question, with who wrote each, privately to the person who asked. */
export async function showRetro(ctx: Ctx, actor: Actor, id: string): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, id);
  await requirePermission(ctx, actor, "retro", release);
  const stage = retroStage(release);
  if (stage === "none") throw noRetroYet(release);
  if (stage === "due") {
    const opens = (await ctx.store.listPendingJobs(release.id)).find((j) => j.kind === "retro_open");
    const when = opens ? ` (it opens ${relative(opens.dueAt, ctx.clock.now())})` : "";
    return ok(`No retro answers for ${release.id} yet: its retro is not open${when}. \`/release retro ${release.id}\` opens it now and lets you add yours.`);
  }
  return retroAnswersReply(ctx, release, null);
}

/**
 * `/release retro R-1 export`: every answer whole, by question, as a Markdown file for the
 * person who asked, where chat can only show what fits one message.
 */
export async function exportRetro(ctx: Ctx, actor: Actor, id: string): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, id);
  await requirePermission(ctx, actor, "retro", release);
  // Not open yet: nothing to export, and show says when it opens and what opens it now.
  if (retroStage(release) === "none" || retroStage(release) === "due") return showRetro(ctx, actor, id);
  const answers = await ctx.store.listRetroAnswers(release.id);
  const title = `${release.service} ${release.version} → ${release.environment}`;
  const name = `gonogo-retro-${release.id}.md`;
  const groups = retroGroups(answers);
  const body = groups.length ? groups.map((g) => `## ${g.title}\n\n${g.items.map((i) => `- ${i}`).join("\n")}\n`).join("\n") : "No answers.\n";
  const content = `# Retro of ${release.id}: ${title}\n\n${body}`;
  const text = `Retro of ${release.id} (${title}): ${answersCount(answers.length)}, every line whole, in ${name}.`;
  return { type: "message", text, cards: [], error: false, files: [{ name, contentType: "text/markdown", content }] };
}

/** The answers of a retro that has opened, after `lead` when given; grouped by question, as much as one message holds. */
export async function retroAnswersReply(ctx: Ctx, release: Release, lead: string | null): Promise<Extract<Reply, { type: "message" }>> {
  const answers = await ctx.store.listRetroAnswers(release.id);
  const closed = retroStage(release) === "closed";
  const id = release.id;
  const before = lead ? `${lead}\n` : "";
  if (!answers.length) {
    const closes = await closesIn(ctx, release);
    const text = closed ? `The retro of ${id} closed with no answers.` : `No retro answers for ${id} yet${closes ? ` (the retro ${closes})` : ""}. Add yours with \`/release retro ${id}\` or the card's Add retro notes button.`;
    return { type: "message", text: before + text, cards: [], error: false };
  }
  const names = answers.slice(0, NAMED).map((a) => a.authorName);
  const from = answers.length > NAMED ? `${names.join(", ")} and ${answers.length - NAMED} more` : names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names[0]!;
  const closes = await closesIn(ctx, release);
  const where = closed ? "closed" : `open${closes ? ` (${closes})` : ""}; add or edit yours with \`/release retro ${id}\``;
  const text = `${before}📝 Retro of ${id} (${release.service} ${release.version} → ${release.environment}), ${where}. ${answersCount(answers.length)}, from ${cutText(from, 400)}:`;
  return { type: "message", text, cards: [], error: false, groups: retroAnswerGroups(ctx, id, answers) };
}

/** A retro's answers by question as chat lists them (each line at most CHAT_LINE characters, its author first), and where to read them all (said also when a line was cut short). */
export function retroAnswerGroups(ctx: Ctx, id: string, answers: readonly RetroNotesBy[]): ReplyGroups {
  // A file anyone who reads the retro may ask for: the audit export is for admins and release-managers only.
  const file = `in a file: \`/release retro ${id} export\``;
  const whereAll = ctx.config.web ? `Read them all in the web view (\`/release web\`, then ${id}) or, whole, ${file}.` : `Read them all, whole, ${file}.`;
  const cut = chatItem(CHAT_LINE);
  let shortened = false;
  const groups = retroGroups(answers, (line, author) => {
    const item = cut(line, author);
    shortened ||= item !== `${author}: ${line}`;
    return item;
  });
  return { groups, whereAll, shortened };
}

/** `closes in 6d 23h`, from the pending close; null when none is planned (it waits for a rollback to end). */
async function closesIn(ctx: Ctx, release: Release): Promise<string | null> {
  const close = (await ctx.store.listPendingJobs(release.id)).find((j) => j.kind === "retro_close");
  return close ? `closes ${relative(close.dueAt, ctx.clock.now())}` : null;
}

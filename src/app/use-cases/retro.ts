import { UserError } from "../../domain/errors.js";
import { isSamePerson } from "../../domain/identity.js";
import { transition } from "../../domain/release.js";
import { cutText } from "../../domain/limits.js";
import { formatInZone } from "../../domain/time.js";
import { answersCount, noRetroYet, retroStage } from "../../domain/retro.js";
import type { Actor, Release } from "../../domain/types.js";
import { audit, getReleaseOrThrow, notice, requirePermission, type Ctx, type Effect } from "../context.js";
import { planRetroClose } from "../countdown-jobs.js";
import { retroField, retroForm } from "../forms.js";
import { retroAnswerGroups, retroAnswersReply } from "./retro-show.js";
import { ok } from "../replies.js";
import type { Reply } from "../views.js";
import type { RetroAnswer } from "../store.js";

/** Opens the retro now (on schedule, or early on request) and plans its closing. */
export async function openRetro(ctx: Ctx, release: Release, by: { id: string; name: string }, platform: string): Promise<Release> {
  const now = ctx.clock.now();
  const updated = await ctx.store.updateRelease(release.id, { retroOpenedAt: now });
  await ctx.store.cancelJobs(release.id, ["retro_open"]);
  await planRetroClose(ctx, updated, now);
  await audit(ctx, by, platform, release.id, { type: "retro_opened", data: {} });
  const closes = now + ctx.config.retroWindowMs;
  const words = `📝 Retro for ${release.id} (${release.service} ${release.version}) is open: what went well, what did not, and action items with an owner. Press Add retro notes or use \`/release retro ${release.id}\`; it closes `;
  ctx.effects.push(
    { type: "refresh", releaseId: release.id },
    { type: "wake" },
    notice(release.id, [words, { at: closes, text: formatInZone(closes, release.timezone) }, "."], {
      buttons: [{ action: "retro", label: "Add retro notes", style: "default" }],
      mention: await retroPeople(ctx, release),
    }),
  );
  return updated;
}

/** Who a retro calls: the manager and the people who decided the release, who are the ones with something to say. */
async function retroPeople(ctx: Ctx, release: Release): Promise<string[]> {
  const voters = (await ctx.store.getVotes(release.id)).map((v) => v.voter);
  return [...new Set([release.managerId, ...voters])];
}

/**
 * A release restored after a rollback during its open retro: the notes so far were about a
 * release that went well, and the window may be all but over, so the retro stays open a whole
 * window from now and the same people hear it. Returns the sentence for the reply.
 */
export async function keepRetroOpenAfterRollback(ctx: Ctx, release: Release): Promise<string> {
  const now = ctx.clock.now();
  await planRetroClose(ctx, release, now);
  const closes = now + ctx.config.retroWindowMs;
  const until = { at: closes, text: formatInZone(closes, release.timezone) };
  ctx.effects.push(
    notice(release.id, [`📝 The retro of ${release.id} stays open until `, until, `, so the rollback can be in it: add or edit your notes with Add retro notes or \`/release retro ${release.id}\`.`], {
      buttons: [{ action: "retro", label: "Add retro notes", style: "default" }],
      mention: await retroPeople(ctx, release),
    }),
  );
  return ` The retro of ${release.id} stays open until ${until.text}, so the rollback can be in it.`;
}

/**
 * `/release retro R-1` or the button: the form with the person's own earlier answer filled in
 * (saving it replaces that answer), opening the retro first if it is due.
 */
export async function startRetro(ctx: Ctx, actor: Actor, platform: string, id: string): Promise<Reply> {
  let release = await getReleaseOrThrow(ctx, id);
  await requirePermission(ctx, actor, "retro", release);
  const stage = retroStage(release);
  if (stage === "none") throw noRetroYet(release);
  // The summary went to the card's thread when it closed; the person asking gets what it collected here too.
  if (stage === "closed") return { ...(await retroAnswersReply(ctx, release, `The retro of ${release.id} is closed; no more notes can be added or edited.`)), error: true };
  if (stage === "due") release = await openRetro(ctx, release, actor, platform);
  const mine = await answerOfPerson(ctx, release.id, actor);
  return { type: "form", form: retroForm(release, mine) };
}

/** A submitted retro form: the person's answer, added or in place of their earlier one. Nobody edits another's: the answer is always the submitter's own. */
export async function submitRetro(ctx: Ctx, actor: Actor, platform: string, id: string, values: Record<string, string>): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, id);
  await requirePermission(ctx, actor, "retro", release);
  const stage = retroStage(release);
  if (stage === "closed") throw new UserError("retro_closed", `The retro of ${release.id} is closed; your notes were not saved. \`/release retro ${release.id} show\` shows what it collected.${handBack(values)}`);
  if (stage !== "open") throw stage === "due" ? new UserError("retro_not_open", `The retro of ${release.id} is not open yet; \`/release retro ${release.id}\` opens it and its form.`) : noRetroYet(release);
  const mine = await answerOfPerson(ctx, release.id, actor);
  const form = retroForm(release, mine);
  const after = { wentWell: retroField(values, form, "went_well", mine), wentBadly: retroField(values, form, "went_badly", mine), actionItems: retroField(values, form, "action_items", mine) };
  if (!after.wentWell && !after.wentBadly && !after.actionItems) {
    // Every box emptied on purpose: the person takes their answer back (the audit trail keeps what it said).
    if (mine) return withdrawRetro(ctx, actor, platform, release, mine);
    throw new UserError("retro_empty", "Write at least one answer.", "went_well");
  }
  // A form sent twice (a double click, a retry), or saved without a change, writes nothing.
  if (mine && mine.wentWell === after.wentWell && mine.wentBadly === after.wentBadly && mine.actionItems === after.actionItems) {
    return ok(`You already added exactly these notes to the retro of ${release.id}; they are kept once.`);
  }
  await ctx.store.putRetroAnswer({ releaseId: release.id, author: actor.id, authorName: actor.name, ...after, at: ctx.clock.now() });
  // One person, one answer: saved from this account, it replaces the one from a linked account.
  if (mine && mine.author !== actor.id) await ctx.store.deleteRetroAnswer(release.id, mine.author);
  if (mine) {
    const before = { wentWell: mine.wentWell, wentBadly: mine.wentBadly, actionItems: mine.actionItems };
    await audit(ctx, actor, platform, release.id, { type: "retro_answer_changed", data: { before, after } });
  } else {
    await audit(ctx, actor, platform, release.id, { type: "retro_answer", data: after });
  }
  ctx.effects.push({ type: "refresh", releaseId: release.id });
  const read = `\`/release retro ${release.id} show\` shows everyone's.`;
  return ok(mine ? `Thanks ${actor.name}, your retro notes for ${release.id} are updated: they replace the ones you saved before. ${read}` : `Thanks ${actor.name}, your retro notes for ${release.id} are saved; open the form again to edit them. ${read}`);
}

/**
 * What a form refused after the retro closed said, so the person keeps it: the modal it was
 * typed in is gone once it answers. Each box is cut past 500 characters, so all three fit one
 * Discord message.
 */
function handBack(values: Record<string, string>): string {
  const boxes = [["What went well", values.went_well], ["What did not go well", values.went_badly], ["Action items", values.action_items]] as const;
  const lines = boxes.flatMap(([title, v]) => (v?.trim() ? [`${title}: ${cutText(v.trim(), 500)}`] : []));
  return lines.length ? ` What you wrote, to keep:\n${lines.join("\n")}` : "";
}

/** The person's one answer: written from this account or from one they linked to it (`/release link`). */
async function answerOfPerson(ctx: Ctx, releaseId: string, actor: Actor): Promise<RetroAnswer | undefined> {
  const answers = await ctx.store.listRetroAnswers(releaseId);
  return answers.find((a) => a.author === actor.id) ?? answers.find((a) => isSamePerson(actor, a.author));
}

/** A person's own answer taken out of the retro while it is open; it is no longer shown or summed up. */
async function withdrawRetro(ctx: Ctx, actor: Actor, platform: string, release: Release, mine: RetroAnswer): Promise<Reply> {
  await ctx.store.deleteRetroAnswer(release.id, mine.author);
  await audit(ctx, actor, platform, release.id, { type: "retro_answer_withdrawn", data: { before: { wentWell: mine.wentWell, wentBadly: mine.wentBadly, actionItems: mine.actionItems } } });
  ctx.effects.push({ type: "refresh", releaseId: release.id });
  return ok(`${actor.name}, your retro notes for ${release.id} are withdrawn: the retro no longer shows them (the audit trail keeps what they said). \`/release retro ${release.id}\` adds new ones while the retro is open.`);
}

/**
 * The notice posted when the retro window ends: the answers by question, as far as one chat
 * message holds (each question keeps its first answers, the rest counted), as `show` lists them.
 */
async function retroSummary(ctx: Ctx, release: Release): Promise<Effect> {
  const answers = await ctx.store.listRetroAnswers(release.id);
  if (!answers.length) return notice(release.id, `📝 Retro for ${release.id} closed with no notes.`);
  return notice(release.id, `📝 Retro for ${release.id} closed: ${answersCount(answers.length)}.`, { groups: retroAnswerGroups(ctx, release.id, answers) });
}

export async function closeAfterRetro(ctx: Ctx, release: Release): Promise<void> {
  if (release.state !== "shipped" && release.state !== "rolled_back") return;
  const next = transition(release.id, release.state, "close");
  await ctx.store.updateRelease(release.id, { state: next, closedAt: ctx.clock.now() });
  await audit(ctx, { id: "gonogo" }, "scheduler", release.id, { type: "state_changed", data: { from: release.state, to: next } });
  ctx.effects.push({ type: "refresh", releaseId: release.id }, await retroSummary(ctx, release));
}

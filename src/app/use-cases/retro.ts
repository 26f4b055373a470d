import { UserError } from "../../domain/errors.js";
import { transition } from "../../domain/release.js";
import type { Actor, Release } from "../../domain/types.js";
import { audit, getReleaseOrThrow, notice, type Ctx } from "../context.js";
import { planRetroClose } from "../countdown-jobs.js";
import { field, retroForm } from "../forms.js";
import { ok } from "../replies.js";
import type { Reply } from "../views.js";

/** Opens the retro now (on schedule, or early on request) and plans its closing. */
export async function openRetro(ctx: Ctx, release: Release, by: { id: string; name: string }, platform: string): Promise<Release> {
  const now = ctx.clock.now();
  const updated = await ctx.store.updateRelease(release.id, { retroOpenedAt: now });
  await ctx.store.cancelJobs(release.id, ["retro_open"]);
  await planRetroClose(ctx, updated, now);
  await audit(ctx, by, platform, release.id, { type: "retro_opened", data: {} });
  ctx.effects.push(
    { type: "refresh", releaseId: release.id },
    { type: "wake" },
    notice(release.id, `📝 Retro for ${release.id} (${release.service} ${release.version}) is open: what went well, what did not, and action items with an owner. Press Add retro notes.`, {
      buttons: [{ action: "retro", label: "Add retro notes", style: "default" }],
      mention: [release.managerId],
    }),
  );
  return updated;
}

/** `/release retro R-1` or the button: checks the release can have a retro, opening it if due. */
export async function startRetro(ctx: Ctx, actor: Actor, platform: string, id: string): Promise<Reply> {
  let release = await getReleaseOrThrow(ctx, id);
  if (release.state !== "shipped" && release.state !== "rolled_back" && !(release.state === "closed" && release.retroOpenedAt)) {
    throw new UserError("retro_not_open", `${release.id} has no retro yet: it opens after the release is shipped or rolled back.`);
  }
  // The summary went to the card's thread when it closed; the person asking gets it here too.
  if (release.state === "closed") throw new UserError("retro_closed", `The retro of ${release.id} is closed; no more notes can be added.\n${await retroSummary(ctx, release)}`);
  if (!release.retroOpenedAt) release = await openRetro(ctx, release, actor, platform);
  return { type: "form", form: retroForm(release) };
}

export async function submitRetro(ctx: Ctx, actor: Actor, platform: string, id: string, values: Record<string, string>): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, id);
  if (!release.retroOpenedAt || release.state === "closed") {
    throw new UserError("retro_not_open", release.state === "closed" ? `The retro of ${release.id} is closed; your notes were not saved.` : `The retro of ${release.id} is not open yet.`);
  }
  const form = retroForm(release);
  const wentWell = field(values, form, "went_well");
  const wentBadly = field(values, form, "went_badly");
  const actionItems = field(values, form, "action_items");
  if (!wentWell && !wentBadly && !actionItems) throw new UserError("retro_empty", "Write at least one answer.", "went_well");
  // A form sent twice (a double click, a retry) is one answer; a second, different one is more notes.
  const same = (await ctx.store.listRetroAnswers(release.id)).some((a) => a.author === actor.id && a.wentWell === wentWell && a.wentBadly === wentBadly && a.actionItems === actionItems);
  if (same) return ok(`You already added exactly these notes to the retro of ${release.id}; they are kept once.`);
  await ctx.store.putRetroAnswer({ releaseId: release.id, author: actor.id, authorName: actor.name, wentWell, wentBadly, actionItems, at: ctx.clock.now() });
  await audit(ctx, actor, platform, release.id, { type: "retro_answer", data: { wentWell, wentBadly, actionItems } });
  ctx.effects.push({ type: "refresh", releaseId: release.id });
  return ok(`Thanks ${actor.name}, your retro notes for ${release.id} are saved.`);
}

/** The text posted when the retro window ends. */
export async function retroSummary(ctx: Ctx, release: Release): Promise<string> {
  const answers = await ctx.store.listRetroAnswers(release.id);
  if (!answers.length) return `📝 Retro for ${release.id} closed with no notes.`;
  // One bullet per line written (the form asks for one action item per line, owner first).
  const section = (title: string, pick: (a: (typeof answers)[number]) => string) => {
    const lines = answers.flatMap((a) => pick(a).split(/\n+/).map((l) => l.trim()).filter(Boolean).map((l) => `• ${l} (${a.authorName})`));
    return lines.length ? [`${title}:`, ...lines] : [];
  };
  return [
    `📝 Retro for ${release.id} closed: ${answers.length} ${answers.length === 1 ? "answer" : "answers"}.`,
    ...section("Went well", (a) => a.wentWell),
    ...section("Did not go well", (a) => a.wentBadly),
    ...section("Action items", (a) => a.actionItems),
  ].join("\n");
}

export async function closeAfterRetro(ctx: Ctx, release: Release): Promise<void> {
  if (release.state !== "shipped" && release.state !== "rolled_back") return;
  const next = transition(release.id, release.state, "close");
  await ctx.store.updateRelease(release.id, { state: next, closedAt: ctx.clock.now() });
  await audit(ctx, { id: "gonogo" }, "scheduler", release.id, { type: "state_changed", data: { from: release.state, to: next } });
  ctx.effects.push({ type: "refresh", releaseId: release.id }, notice(release.id, await retroSummary(ctx, release)));
}

import { isSamePerson } from "../../domain/identity.js";
import { freezeLabel, type ActiveFreeze } from "../../domain/freeze.js";
import type { Actor, Release } from "../../domain/types.js";
import { readAuditEvent } from "../audit-events.js";
import { audit, notice, policyFor, type Ctx } from "../context.js";
import { ok } from "../replies.js";
import type { Reply } from "../views.js";

/**
 * Shipping inside a freeze (`/release ship R-1 override <reason>`). By default one admin or
 * release-manager may; a channel with `override_approvers=2` wants two different people to
 * ask (the four-eyes rule regulated teams keep for changes in a freeze): the first is recorded
 * and announced in the thread, and the second, within the same freeze, ships it.
 *
 * The first request lives in the audit trail (`freeze_override_requested`), which is where it
 * must be recorded anyway and which every instance reads in the same order: no table to keep.
 * Returns a reply when the release waits for a second person, or null once the override is
 * recorded and the caller may go on to ship.
 */
export async function overrideFreeze(ctx: Ctx, actor: Actor, platform: string, release: Release, active: ActiveFreeze, reason: string): Promise<Reply | null> {
  const freeze = freezeLabel(active.freeze);
  const needed = (await policyFor(ctx, release.channel.key)).overrideApprovers;
  const asked = needed === 2 ? await firstRequest(ctx, release, freeze, active.end) : null;
  if (needed === 2 && (!asked || asked.id === actor.id)) {
    if (asked) return ok(`You asked already to ship ${release.id} inside freeze ${freeze}; this channel needs a second admin or release-manager to ask too (\`/release ship ${release.id} override <reason>\`). Nothing ships until then.`);
    await audit(ctx, actor, platform, release.id, { type: "freeze_override_requested", data: { freeze, until: active.end, reason } });
    // The manager hears of a request someone else made; one they made themselves calls nobody.
    const mention = isSamePerson(actor, release.managerId) ? [] : [release.managerId];
    ctx.effects.push(
      notice(release.id, `🔐 ${actor.name} asks to ship ${release.id} inside freeze ${freeze}: ${reason}. This channel needs a second admin or release-manager: one who agrees ships it with \`/release ship ${release.id} override <reason>\`.`, { mention }),
    );
    return ok(`Asked: ${release.id} ships inside freeze ${freeze} once a second admin or release-manager (not you) runs \`/release ship ${release.id} override <reason>\`; the thread says so. Until then it stays where it is.`);
  }
  const byName = asked ? `${asked.name} and ${actor.name}` : actor.name;
  // The card and the web view show one reason under both names: the first person's is the why, so both are kept.
  const shown = asked ? `${asked.name}: ${asked.reason}; ${actor.name}: ${reason}` : reason;
  await ctx.store.addOverride({ releaseId: release.id, by: actor.id, byName, reason: shown, freeze, at: ctx.clock.now() });
  await audit(ctx, actor, platform, release.id, { type: "freeze_overridden", data: { freeze, until: active.end, reason, ...(asked ? { askedBy: asked } : {}) } });
  const second = asked ? ` (asked by ${asked.name}: ${asked.reason})` : "";
  ctx.effects.push(notice(release.id, `🔓 ${actor.name} overrode freeze ${freeze} to ship ${release.id}: ${reason}${second}`));
  return null;
}

/**
 * What a plain `/release ship` inside a freeze is told about the way out: with the four-eyes rule
 * and a request standing, who asked and why, so the one who agrees knows that theirs ships it.
 */
export async function overrideWayOut(ctx: Ctx, actor: Actor, release: Release, active: ActiveFreeze): Promise<string> {
  const command = `\`/release ship ${release.id} override <reason>\``;
  if ((await policyFor(ctx, release.channel.key)).overrideApprovers !== 2) return `Wait until then, or an admin or release-manager ships it anyway with ${command}.`;
  const asked = await firstRequest(ctx, release, freezeLabel(active.freeze), active.end);
  if (!asked) return `Wait until then, or two admins or release-managers agree to ship it anyway, each with ${command}.`;
  const who = asked.id === actor.id ? "you" : asked.name;
  return `Wait until then; ${who} asked to ship it anyway (${asked.reason}): a second admin or release-manager who agrees ships it with ${command}.`;
}

/** The standing first request of this freeze occurrence (who asked, as the override's audit names them), if someone asked and nobody shipped it since. */
async function firstRequest(ctx: Ctx, release: Release, freeze: string, until: number): Promise<{ id: string; name: string; reason: string } | null> {
  // A change of content since (new votes needed) makes the request stale, like the votes; an override since used it up.
  const events = await ctx.store.listAuditOf([release.id], ["freeze_override_requested", "freeze_overridden", "content_changed"]);
  const last = events.at(-1);
  const typed = last && readAuditEvent(last);
  if (!last || typed?.type !== "freeze_override_requested") return null;
  if (typed.data.freeze !== freeze || typed.data.until !== until) return null;
  return { id: last.actor, name: typeof last.data.actorName === "string" ? last.data.actorName : last.actor, reason: typed.data.reason };
}

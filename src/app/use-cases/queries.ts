import { HELP_LINES } from "../../domain/grammar.js";
import { isFinal, STATE_LABELS } from "../../domain/release.js";
import { decide } from "../../domain/decision.js";
import type { Actor, ChannelRef } from "../../domain/types.js";
import { getReleaseOrThrow, policyFor, type Ctx } from "../context.js";
import { ok } from "../replies.js";
import type { CardView, Reply } from "../views.js";

export type CardFor = (releaseId: string) => CardView;

export function help(): Reply {
  return ok(["gonogo runs go/no-go votes for releases. Commands:", ...HELP_LINES].join("\n"));
}

export function status(ctx: Ctx, cardFor: CardFor, channel: ChannelRef, id: string | null): Reply {
  if (id) {
    const release = getReleaseOrThrow(ctx, id);
    return ok(`Status of ${release.id}:`, [cardFor(release.id)]);
  }
  const open = ctx.store.listReleases({ states: ["voting", "held", "shipping", "shipped", "rolling_back", "rolled_back"], channelKey: channel.key, limit: 10 });
  if (!open.length) return ok("No open releases in this channel. Start one with `/release create <service> <version>`.");
  return ok(`Open releases in this channel:`, open.map((r) => cardFor(r.id)));
}

export function list(ctx: Ctx): Reply {
  const open = ctx.store.listReleases({ states: ["voting", "held", "shipping", "shipped", "rolling_back", "rolled_back"], limit: 50 });
  if (!open.length) return ok("No open releases. Start one with `/release create <service> <version>`.");
  const lines = open.map((r) => {
    const d = r.state === "voting" || r.state === "held" ? ` · ${decide(ctx.store.getVotes(r.id), policyFor(ctx, r.channel.key), r.managerId).decision.replace("_", "-").toUpperCase()}` : "";
    return `• ${r.id} ${r.service} ${r.version} → ${r.environment} · ${STATE_LABELS[r.state]}${d}`;
  });
  return ok(["Open releases:", ...lines].join("\n"));
}

/** Posts a live copy of the card in this channel (e.g. the Discord copy of a Slack release). */
export function share(ctx: Ctx, channel: ChannelRef, id: string): Reply {
  const release = getReleaseOrThrow(ctx, id);
  if (ctx.store.listMessageRefs(release.id).some((r) => r.channel.key === channel.key)) {
    return ok(`${release.id}'s card is already in this channel; it stays up to date.`);
  }
  ctx.effects.push({ type: "post", releaseId: release.id, channel });
  return ok(`Posting ${release.id}'s card here. Votes from every copy count and every copy stays in sync.`);
}

/** Live releases on the actor's platform (workspace/guild), newest first: the App Home. */
export function overview(ctx: Ctx, cardFor: CardFor, actor: Actor): CardView[] {
  const prefix = actor.id.slice(0, actor.id.lastIndexOf(":") + 1);
  return ctx.store
    .listReleases({ limit: 200 })
    .filter((r) => !isFinal(r.state) && (r.channel.key.startsWith(prefix) || r.managerId === actor.id))
    .slice(0, 20)
    .map((r) => cardFor(r.id));
}

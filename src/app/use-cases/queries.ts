import { HELP_LINES } from "../../domain/grammar.js";
import { isFinal, STATE_LABELS, type ReleaseState } from "../../domain/release.js";
import { decisionInWords } from "../../domain/decision.js";
import { UserError } from "../../domain/errors.js";
import { releaseDecision } from "../release-decision.js";
import type { Actor, ChannelRef, Release } from "../../domain/types.js";
import { getReleaseOrThrow, isSeenBy, policyFor, seenByAsker, type Ctx } from "../context.js";
import { readCard } from "../card-reader.js";
import { ok } from "../replies.js";
import type { CardView, GuardView, Reply, ReplyPart } from "../views.js";
import { channelPart } from "../channel-names.js";
import { formatInZone, relative } from "../../domain/time.js";
import { guardsOf } from "../card-guards.js";


/**
 * `/release help`. Discord registers 25 subcommands at most (its limit), so there `unlock` and
 * `locks` are actions of `/release lock`: the help says so where people type them.
 */
export function help(platform?: string): Reply {
  const discord = platform === "discord" ? ["In Discord: unlock and locks are `/release lock` action unlock or list, retract is `/release vote` choice “take back my vote”, unlink is `/release link` action unlink."] : [];
  return ok(["gonogo runs go/no-go votes for releases. Commands:", ...HELP_LINES, ...discord].join("\n"));
}

/** Cards `/release status` shows without an id. */
const STATUS_CARDS = 10;

const OPEN_STATES: ReleaseState[] = ["voting", "held", "shipping", "shipped", "rolling_back", "rolled_back"];

export async function status(ctx: Ctx, channel: ChannelRef, id: string | null): Promise<Reply> {
  if (id) {
    const release = await getReleaseOrThrow(ctx, id);
    return ok(`Status of ${release.id}:`, [await readCard(ctx, release.id)]);
  }
  const open = await ctx.store.listReleases({ states: OPEN_STATES, channelKey: channel.key, limit: 200 });
  if (!open.length) return ok("No open releases in this channel. Start one with `/release create <service> <version>`.");
  // Ten cards are what one answer holds (Discord's embeds per message): the rest are counted, not dropped unsaid.
  const shown = open.slice(0, STATUS_CARDS);
  const head = shown.length < open.length ? `Open releases in this channel, newest first (${shown.length} of ${open.length}; \`/release list\` shows them all):` : "Open releases in this channel:";
  return ok(head, await Promise.all(shown.map((r) => readCard(ctx, r.id))));
}

const GUARD_WORDS: Record<GuardView["kind"], string> = { lock: "locked", freeze: "in a freeze", queue: "queued", override: "freeze overridden" };

/** Lines the list sends at most (each costs a decision): more than one Slack message holds; the rest are counted. */
const LIST_LINES = 50;

/**
 * `/release list`: every open release this workspace or server sees, soonest T-0 first (one that has passed is the most
 * pressing; unscheduled ones after, newest first), each with its state, decision, what holds it,
 * its T-0 (in each viewer's zone where the platform can, else the asking channel's) and the
 * channel it is decided in (a link from the same workspace or server).
 */
export async function list(ctx: Ctx, channel: ChannelRef): Promise<Reply> {
  // Another workspace's or server's releases are not this one's to list (domain/places.ts).
  const open = await seenByAsker(ctx, await ctx.store.listReleases({ states: OPEN_STATES }));
  if (!open.length) return ok("No open releases. Start one with `/release create <service> <version>`.");
  const zone = (await policyFor(ctx, channel.key)).timezone;
  const now = ctx.clock.now();
  const byT0 = [...open].sort((a, b) => (a.scheduledAt ?? Infinity) - (b.scheduledAt ?? Infinity) || b.seq - a.seq);
  const lines: ReplyPart[][] = [];
  for (const r of byT0.slice(0, LIST_LINES)) {
    const d = r.state === "voting" || r.state === "held" ? ` · ${decisionInWords(await releaseDecision(ctx, r), "label")}` : "";
    // A GO that a lock, a freeze or the queue holds back is not what "GO" alone says.
    const held = (await guardsOf(ctx, r)).filter((g) => g.kind !== "override").map((g) => ` · ${g.icon} ${GUARD_WORDS[g.kind]}`);
    const when: ReplyPart[] = r.scheduledAt === null ? [" · no T-0"] : [" · T-0 ", { at: r.scheduledAt, text: formatInZone(r.scheduledAt, zone) }, ` (${relative(r.scheduledAt, now)})`];
    lines.push([`• ${r.id} ${r.service} ${r.version} → ${r.environment} · ${STATE_LABELS[r.state]}${d}${held.join("")}`, ...when, " · in ", channelPart(r.channel, channel)]);
  }
  return { type: "message", text: "Open releases, soonest T-0 first:", cards: [], error: false, lines, linesLeftOut: byT0.length - lines.length };
}

/** Posts a live copy of the card in this channel (e.g. the Discord copy of a Slack release, shared by someone linked to both). */
export async function share(ctx: Ctx, actor: Actor, channel: ChannelRef, id: string): Promise<Reply> {
  // Only from where it is already seen: a share is how a release comes into another workspace or
  // server, so it takes someone in both (a linked account), or anyone could read any workspace's.
  const release = await getReleaseOrThrow(ctx, id).catch((err: unknown) => {
    // Said whether or not the id exists elsewhere, so it gives nothing away; it tells a team on Slack and Discord how.
    if (err instanceof UserError && err.code === "unknown_release") throw new UserError(err.code, `${err.message} A release of another workspace or server comes here when someone with an account in both, linked with \`/release link\`, shares it here.`);
    throw err;
  });
  if ((await ctx.store.listMessageRefs(release.id)).some((r) => r.channel.key === channel.key)) {
    return ok(`${release.id}'s card is already in this channel; it stays up to date.`);
  }
  ctx.effects.push({ type: "post", releaseId: release.id, channel, askedBy: actor.id });
  return ok(`Posting ${release.id}'s card here. Votes from every copy count and every copy stays in sync.`);
}

/**
 * The live releases the person sees, as `/release list` does (`isSeenBy`: their workspace's or
 * server's, those shared into it, those of their linked accounts' places), and the ones they
 * manage from any of their linked accounts, soonest T-0 first: the App Home and Discord's id picker.
 */
export async function overview(ctx: Ctx, actor: Actor): Promise<CardView[]> {
  const { theirs, asker } = await askerOf(ctx, actor);
  const live: Release[] = [];
  for (const r of await ctx.store.listReleases({ limit: 200 })) {
    if (!isFinal(r.state) && (theirs.includes(r.managerId) || (await isSeenBy(ctx, r, asker)))) live.push(r);
  }
  // Soonest T-0 first (one that has passed, shipping or held, is the most pressing); unscheduled ones after, newest first.
  const byT0 = live.sort((a, b) => (a.scheduledAt ?? Infinity) - (b.scheduledAt ?? Infinity) || b.createdAt - a.createdAt);
  return Promise.all(byT0.slice(0, 20).map(async (r) => ({ ...(await readCard(ctx, r.id)), channels: await cardChannels(ctx, r) })));
}

/** The channels a release's card is in, its own first, each once. */
async function cardChannels(ctx: Ctx, r: Release): Promise<ChannelRef[]> {
  const all = [r.channel, ...(await ctx.store.listMessageRefs(r.id)).map((ref) => ref.channel)];
  return all.filter((c, i) => all.findIndex((o) => o.key === c.key) === i);
}

/** Asked from no channel (the App Home, Discord's pickers): the person and their linked accounts are where they see from. */
async function askerOf(ctx: Ctx, actor: Actor): Promise<{ theirs: string[]; asker: { channelKey: null; linked: string[] } }> {
  const theirs = [actor.id, ...(await ctx.store.linkedAccounts(actor.id)).map((a) => a.account)];
  return { theirs, asker: { channelKey: null, linked: theirs } };
}

/**
 * The services of the last releases the person sees, open or not, most recent first and once
 * each: what Discord suggests in a service box, so a lock or a new release names the service
 * the team already uses ("payments"), not a near miss ("payment") nothing else knows.
 */
export async function servicesSeen(ctx: Ctx, actor: Actor): Promise<string[]> {
  const { asker } = await askerOf(ctx, actor);
  const services = new Set<string>();
  for (const r of await ctx.store.listReleases({ limit: 200 })) {
    if (!services.has(r.service) && (await isSeenBy(ctx, r, asker))) services.add(r.service);
  }
  return [...services];
}

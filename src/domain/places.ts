import { parseChannelKey, parseSubject, type Subject } from "./identity.js";

/*
 * Which workspace or server may see a release. One gonogo may serve several Slack workspaces
 * and Discord servers. A release is in the one its channel belongs to, and in each one a copy
 * of its card was posted in (`/release share`): there its people read the card and vote. Anyone
 * else asking by its id is answered as if there were no such release, so a workspace does not
 * learn what another one ships, nor act on it.
 */

/**
 * Where a request comes from: the channel typed or pressed in, and the asker's linked accounts
 * (`/release link`). A read from no channel asks as a person (the App Home, Discord's id picker:
 * `channelKey` null, the person among `linked`) or as a whole workspace or server (the web view: `place`).
 */
export interface Asker {
  /** The stored key of the channel, `slack:T1:C1`; null when asked from no channel. */
  channelKey: string | null;
  /** The workspace or server that asks as a whole (a web view link signed for it). */
  place?: { platform: string; scope: string };
  /**
   * The asker's other accounts, stored ids (`discord:G1:U2`). Linking takes a code shown to one
   * account and typed on the other, so the person belongs to each account's place too.
   */
  linked: readonly string[];
}

/** A workspace or server of a platform; a null scope stands for each of them (the terminal is one place of its own). */
type Place = { platform: string; scope: string | null };

/** Is someone of place `a` in place `b`? */
const within = (a: Place, b: Place) => a.platform === b.platform && (a.scope === null || b.scope === null || a.scope === b.scope);

/** The place of a channel key; every terminal channel is the terminal's one place. */
function channelPlace(key: string): Place | null {
  const place = parseChannelKey(key);
  return place && { platform: place.platform, scope: place.platform === "terminal" ? null : place.scope };
}

/** The places of linked accounts (stored ids). */
function accountPlaces(accounts: readonly string[]): Place[] {
  return accounts.map((account) => parseSubject(account)).filter((p): p is Subject => p?.kind === "person");
}

/** Where the asker is: the channel's workspace or server (or the one asking as a whole), and each linked account's. */
function askerPlaces(asker: Asker): Place[] {
  const here = asker.channelKey !== null ? channelPlace(asker.channelKey) : (asker.place ?? null);
  return [...(here ? [here] : []), ...accountPlaces(asker.linked)];
}

/** Is any of `channels` in one of `places`? */
function anyChannelIn(places: readonly Place[], channels: readonly string[]): boolean {
  return channels.some((key) => {
    const channel = channelPlace(key);
    return channel !== null && places.some((place) => within(place, channel));
  });
}

/** Are two stored channel keys in one workspace or server of one platform? */
export function samePlace(a: string, b: string): boolean {
  const [x, y] = [channelPlace(a), channelPlace(b)];
  return x !== null && y !== null && within(x, y);
}

/**
 * May `asker` see a release whose card is in `channels` (its own channel first, then the
 * channels it was shared into)? Yes from any channel of those workspaces or servers, and to a
 * person one of whose linked accounts belongs to one of them.
 */
export function seesRelease(asker: Asker, channels: readonly string[]): boolean {
  return anyChannelIn(askerPlaces(asker), channels);
}

/**
 * Is `who` (a role binding's person or group, a GONOGO_ADMINS entry) of the asker's workspace or
 * server, or of one a linked account of theirs is in? Role bindings are each place's own: another's
 * are neither shown nor changed from here. A GONOGO_ADMINS entry without a workspace (a bare
 * `U0456`) is an admin in each workspace of its platform, so it is of every one of them.
 */
export function ofAskersPlaces(asker: Asker, who: Subject): boolean {
  return askerPlaces(asker).some((place) => within(who, place));
}

/**
 * Does a role's person or group (with the person's linked accounts) see a release whose card is in
 * `channels`: is it of one of their workspaces or servers? Only they are called to sign it off or
 * paged for it: another workspace's holders of the same role name never see it.
 */
export function subjectSees(who: Subject, linked: readonly string[], channels: readonly string[]): boolean {
  return anyChannelIn([who, ...accountPlaces(linked)], channels);
}

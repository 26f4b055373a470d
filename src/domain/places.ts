import { parseChannelKey, parseSubject, type Subject } from "./identity.js";

/*
 * Which workspace or server may see a release. One gonogo may serve several Slack workspaces
 * and Discord servers. A release is in the one its channel belongs to, and in each one a copy
 * of its card was posted in (`/release share`): there its people read the card and vote. Anyone
 * else asking by its id is answered as if there were no such release, so a workspace does not
 * learn what another one ships, nor act on it.
 */

/** Where a request comes from: the channel typed or pressed in, and the asker's linked accounts (`/release link`). */
export interface Asker {
  /** The stored key of the channel, `slack:T1:C1`. */
  channelKey: string;
  /**
   * The asker's other accounts, stored ids (`discord:G1:U2`). Linking takes a code shown to one
   * account and typed on the other, so the person belongs to each account's place too.
   */
  linked: readonly string[];
}

/** Are two stored channel keys in one workspace or server of one platform? */
export function samePlace(a: string, b: string): boolean {
  const [x, y] = [parseChannelKey(a), parseChannelKey(b)];
  return x !== null && y !== null && x.platform === y.platform && x.scope === y.scope;
}

/** Does the account with this stored id belong where the channel is? A terminal account (no scope) belongs to every terminal channel. */
function accountIn(account: string, channelKey: string): boolean {
  const person = parseSubject(account);
  const place = parseChannelKey(channelKey);
  return person?.kind === "person" && place !== null && person.platform === place.platform && (person.scope === null || person.scope === place.scope);
}

/**
 * May `asker` see a release whose card is in `channels` (its own channel first, then the
 * channels it was shared into)? Yes from any channel of those workspaces or servers, and to a
 * person one of whose linked accounts belongs to one of them.
 */
export function seesRelease(asker: Asker, channels: readonly string[]): boolean {
  return channels.some((key) => samePlace(key, asker.channelKey) || asker.linked.some((account) => accountIn(account, key)));
}

/** A workspace or server of a platform; a null scope stands for each of them (the terminal is one place of its own). */
type Place = { platform: string; scope: string | null };

/** Where the asker is: the workspace or server asked in, and that of each of their linked accounts. */
function placesOf(asker: Asker): Place[] {
  const here = parseChannelKey(asker.channelKey);
  const places: Place[] = here ? [{ platform: here.platform, scope: here.platform === "terminal" ? null : here.scope }] : [];
  for (const account of asker.linked) {
    const person = parseSubject(account);
    if (person?.kind === "person") places.push({ platform: person.platform, scope: person.scope });
  }
  return places;
}

/**
 * Is `who` (a role binding's person or group, a GONOGO_ADMINS entry) of the asker's workspace or
 * server, or of one a linked account of theirs is in? Role bindings are each place's own: another's
 * are neither shown nor changed from here. A GONOGO_ADMINS entry without a workspace (a bare
 * `U0456`) is an admin in each workspace of its platform, so it is of every one of them.
 */
export function ofAskersPlaces(asker: Asker, who: Subject): boolean {
  return placesOf(asker).some((p) => p.platform === who.platform && (p.scope === null || who.scope === null || p.scope === who.scope));
}

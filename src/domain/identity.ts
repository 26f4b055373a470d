import type { Actor, ChannelRef } from "./types.js";

/*
 * Who is who, typed. The database, the audit trail and command text keep identities as
 * strings (`slack:T1:U2`, `discord-role:G1:R7`, `terminal:dana`, channel keys `slack:T1:C1`);
 * this module is the one place that reads and writes that form. Adapters build typed values
 * at the edge, the core asks them questions (`subject.kind === "group"`, `person.scope`),
 * and nothing else slices prefixes or looks for `-group:` in a string.
 */

/** Where people come from: the chat platforms, and gonogo itself (its scheduler, pipeline and monitoring). */
export type Platform = "slack" | "discord" | "terminal" | "gonogo";

/**
 * One person. `scope` is the Slack workspace or Discord server (guild) they belong to; the
 * terminal and gonogo's own actors have none. An admin entry from GONOGO_ADMINS may also
 * leave it null on Slack or Discord: it then counts in every workspace or server.
 */
export interface Person {
  kind: "person";
  platform: Platform;
  scope: string | null;
  user: string;
}

/** A Slack user group or a Discord role: a role bound to it counts for each of its members. */
export interface Group {
  kind: "group";
  platform: "slack" | "discord";
  scope: string;
  group: string;
}

/** Who a role can be bound to. */
export type Subject = Person | Group;

declare const storedForm: unique symbol;
/** A subject in its stored form, made only by `subjectId` (or read back and checked by `parseSubject`). */
export type SubjectId = string & { readonly [storedForm]: true };

/** The stored prefix of each platform's groups. */
const GROUP_PREFIX = { slack: "slack-group", discord: "discord-role" } as const;
/** One part of a stored id: what a platform id or a terminal name is made of. */
const PART = /^[A-Za-z0-9._-]+$/;

/** The stored form: `slack:T1:U2`, `discord:G1:U2`, `terminal:dana`, `slack-group:T1:S9`, `discord-role:G1:R7`. */
export function subjectId(subject: Subject): SubjectId {
  const parts = subject.kind === "group" ? [GROUP_PREFIX[subject.platform], subject.scope, subject.group] : [subject.platform, subject.scope, subject.user].filter((p) => p !== null);
  return parts.join(":") as SubjectId;
}

/**
 * Reads a stored or typed id back; null for anything malformed. gonogo's own actors are never
 * read from text, so nobody can name them in a command.
 */
export function parseSubject(text: string): Subject | null {
  const [head, ...rest] = text.split(":");
  if (!rest.every((part) => PART.test(part))) return null;
  if (rest.length === 1 && head === "terminal") return { kind: "person", platform: "terminal", scope: null, user: rest[0]! };
  if (rest.length !== 2) return null;
  const [scope, id] = rest as [string, string];
  if (head === "slack" || head === "discord") return { kind: "person", platform: head, scope, user: id };
  if (head === GROUP_PREFIX.slack) return { kind: "group", platform: "slack", scope, group: id };
  if (head === GROUP_PREFIX.discord) return { kind: "group", platform: "discord", scope, group: id };
  return null;
}

/** What a user id looks like on each platform: Slack's `U…`/`W…`, Discord's numeric snowflake; a terminal user is a name. gonogo's own actors are never named. */
const USER_ID_FORMS: Record<Platform, RegExp> = { terminal: PART, slack: /^[UW][A-Z0-9]+$/, discord: /^[0-9]+$/, gonogo: /(?!)/ };

/** Could this be a real user of the person's platform (not a name typed where a mention belongs)? */
export function isUserIdOf(platform: Platform, user: string): boolean {
  return USER_ID_FORMS[platform].test(user);
}

/** A name for an id when no display name was kept: the platform's own id (`U2`, `dana`); unreadable text as it is. */
export function displayName(id: string): string {
  const subject = parseSubject(id);
  if (!subject) return id;
  return subject.kind === "person" ? subject.user : subject.group;
}

/** Is `id` this actor: the account they act from, or one they linked to it? */
export function isSamePerson(actor: { id: string; linked?: readonly string[] }, id: string): boolean {
  return actor.id === id || (actor.linked?.includes(id) ?? false);
}

/** An actor for `person`: its stored id is derived here, so the two always agree. */
export function actorOf(person: Person, name: string, groups: SubjectId[] = []): Actor {
  return { id: subjectId(person), person, name, groups };
}

/** A channel key's parts: `slack:T1:C1` is channel C1 in workspace T1 on Slack. */
export interface ChannelPlace {
  platform: string;
  scope: string;
  channel: string;
}

/** The stored key of a channel: `slack:T1:C1`, `discord:G1:C2`, `terminal:local:#releases`. */
export function channelKey(place: ChannelPlace): string {
  return `${place.platform}:${place.scope}:${place.channel}`;
}

export function parseChannelKey(key: string): ChannelPlace | null {
  const m = /^([a-z]+):([^:]+):(.+)$/.exec(key);
  return m ? { platform: m[1]!, scope: m[2]!, channel: m[3]! } : null;
}

/** Is the channel where `person` works: same platform and, when they have one, the same workspace or server? */
export function inWorkspaceOf(person: Person, channel: ChannelRef): boolean {
  const place = parseChannelKey(channel.key);
  return place !== null && place.platform === person.platform && (person.scope === null || place.scope === person.scope);
}

/** How each GONOGO_ADMINS entry form reads: a full id, or a bare Slack or Discord user id (any workspace or server). */
const ADMIN_FORMS: Array<{ form: RegExp; person: (m: RegExpExecArray) => Person }> = [
  { form: /^terminal:([A-Za-z0-9._-]{1,32})$/, person: (m) => ({ kind: "person", platform: "terminal", scope: null, user: m[1]! }) },
  { form: /^slack:([A-Z0-9]+):([A-Z0-9]+)$/, person: (m) => ({ kind: "person", platform: "slack", scope: m[1]!, user: m[2]! }) },
  { form: /^discord:([0-9]+):([0-9]+)$/, person: (m) => ({ kind: "person", platform: "discord", scope: m[1]!, user: m[2]! }) },
  { form: /^([UW][A-Z0-9]+)$/, person: (m) => ({ kind: "person", platform: "slack", scope: null, user: m[1]! }) },
  { form: /^([0-9]{5,20})$/, person: (m) => ({ kind: "person", platform: "discord", scope: null, user: m[1]! }) },
];

/** A GONOGO_ADMINS entry as a person, or null when it is none of the forms. */
export function parseAdmin(entry: string): Person | null {
  for (const { form, person } of ADMIN_FORMS) {
    const m = form.exec(entry);
    if (m) return person(m);
  }
  return null;
}

/** An admin as GONOGO_ADMINS spells it: a bare user id when it counts everywhere. */
export function adminText(admin: Person): string {
  return admin.scope === null && admin.platform !== "terminal" ? admin.user : subjectId(admin);
}

/** Is `person` one of the configured admins? An admin without a scope matches in every workspace or server. */
export function isAdmin(admins: readonly Person[], person: Person): boolean {
  return admins.some((a) => a.platform === person.platform && a.user === person.user && (a.scope === null || a.scope === person.scope));
}

import type { webApi } from "@slack/bolt";
import { systemClock, systemTimer, type Clock, type Logger, type Timer, type TimerHandle } from "../../src/app/ports.js";
import { actorOf, type SubjectId } from "../../src/domain/identity.js";
import type { Actor } from "../../src/domain/types.js";
import { slackGroupId, slackPerson } from "./inbound.js";
import { describeSlackError } from "./logger.js";

/** Resolves a Slack user into an Actor: a readable name and the user groups roles may be bound to. */
export interface SlackIdentity {
  actor(team: string, user: string, fallbackName: string): Promise<Actor>;
  /** Drops the queued name lookups, so nothing calls Slack after the adapter stopped. */
  stop(): void;
  /** How many people's names are held: for the test that pins the bound. */
  readonly namesKept: number;
}

interface Options {
  /** How long group memberships are trusted: a role granted to @qa reaches new members within this. */
  groupsTtlMs?: number;
  namesTtlMs?: number;
  /** Lookups must never push an ack past Slack's 3 s: after this, fall back to what the payload says. */
  budgetMs?: number;
  /** Name lookups start once no one has acted for this long. */
  namesQuietMs?: number;
  /** and then run this far apart. */
  namesSpacingMs?: number;
  /** Cache ages and the quiet before name lookups are read from it. */
  clock?: Clock;
  /** The lull before name lookups, their spacing and the lookup budget wait on it. */
  timer?: Timer;
}

interface Cached<T> {
  at: number;
  value: Promise<T>;
  /** Set once the lookup has finished, so a caller can use it without waiting. */
  settled?: { value: T };
}

export function createSlackIdentity(client: webApi.WebClient, log: Logger, options: Options = {}): SlackIdentity {
  const groupsTtl = options.groupsTtlMs ?? 60_000;
  const namesTtl = options.namesTtlMs ?? 10 * 60_000;
  const budget = options.budgetMs ?? 1000;
  const clock = options.clock ?? systemClock;
  const timer = options.timer ?? systemTimer;
  const now = () => clock.now();
  const names = new Map<string, Cached<string | null>>();
  const groups = new Map<string, Cached<Map<string, SubjectId[]> | null>>();
  let warnedGroups = false;

  /** A finished lookup still within its TTL, read without waiting. */
  function fresh<T>(map: Map<string, Cached<T>>, key: string, ttl: number): { value: T } | undefined {
    const hit = map.get(key);
    return hit?.settled && now() - hit.at < ttl ? hit.settled : undefined;
  }

  function cached<T>(map: Map<string, Cached<T>>, key: string, ttl: number, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && now() - hit.at < ttl) return hit.value;
    // An expired lookup is never read again (it is looked up anew): dropped whenever one is added,
    // so a workspace's every past voter is not kept for as long as gonogo runs. The map is in the
    // order of `at` (a key looked up again goes to the end), so only the expired head is walked:
    // a storm of new voters must not walk every name for each one.
    const t = now();
    for (const [k, e] of map) {
      if (t - e.at < ttl) break;
      if (e.settled) map.delete(k);
    }
    const value = load();
    const entry: Cached<T> = { at: t, value };
    map.delete(key);
    map.set(key, entry);
    void value.then((v) => {
      entry.settled = { value: v };
      // A failed lookup is not cached for long: the next press tries again.
      if (v === null) entry.at = now() - ttl + 5000;
    });
    return value;
  }

  // Name lookups wait for a lull: during a vote storm every first-time voter would need
  // one, and 500 users.info calls beside the acks cost 0.4 ms of CPU per press (the ack
  // p50 went from 4 to 10 ms in `npm run bench -- slack`). Once presses have paused for
  // `namesQuietMs`, they run one at a time, paced to Slack's Tier 4 (about 100 a minute).
  const quietMs = options.namesQuietMs ?? 1500;
  const spacingMs = options.namesSpacingMs ?? 600;
  const unnamed = new Map<string, string>();
  let lastPressAt = Number.NEGATIVE_INFINITY;
  let drainTimer: TimerHandle | undefined;

  const scheduleDrain = (delayMs: number) => {
    if (drainTimer || unnamed.size === 0) return;
    drainTimer = timer.after(delayMs, () => void drain());
  };

  async function drain(): Promise<void> {
    drainTimer = undefined;
    const quietFor = now() - lastPressAt;
    if (quietFor < quietMs) return scheduleDrain(quietMs - quietFor);
    const next = unnamed.entries().next();
    if (next.done) return;
    const [key, user] = next.value;
    unnamed.delete(key);
    await cached(names, key, namesTtl, loadName(user));
    scheduleDrain(spacingMs);
  }

  /** The display name if already known; otherwise queues the lookup for next time and answers at once. */
  function knownName(team: string, user: string): string | null {
    const key = `${team}:${user}`;
    const known = fresh(names, key, namesTtl);
    if (known) return known.value;
    const hit = names.get(key);
    if (!hit || now() - hit.at >= namesTtl) unnamed.set(key, user);
    return null;
  }

  const loadName = (user: string) => async (): Promise<string | null> => {
    try {
      const res = await client.users.info({ user });
      const u = res.user;
      return u?.profile?.display_name || u?.real_name || u?.name || null;
    } catch (err) {
      log.warn({ ...describeSlackError(err), user }, "slack: users.info failed; using the name from the payload");
      return null;
    }
  };

  const loadGroups = (team: string) => async (): Promise<Map<string, SubjectId[]> | null> => {
    try {
      const res = await client.usergroups.list({ include_users: true, team_id: team });
      const byUser = new Map<string, SubjectId[]>();
      for (const g of res.usergroups ?? []) {
        if (!g.id) continue;
        for (const u of g.users ?? []) byUser.set(u, [...(byUser.get(u) ?? []), slackGroupId(team, g.id)]);
      }
      return byUser;
    } catch (err) {
      // Without usergroups:read (or on free plans) roles bound to groups simply do not apply.
      if (!warnedGroups) log.warn(describeSlackError(err), "slack: usergroups.list failed; roles bound to user groups are ignored until it works");
      warnedGroups = true;
      return null;
    }
  };

  const withinBudget = <T>(p: Promise<T>, fallback: T): Promise<T> => {
    let late: TimerHandle | undefined;
    const fallBack = new Promise<T>((resolve) => (late = timer.after(budget, () => resolve(fallback))));
    return Promise.race([p, fallBack]).finally(() => late?.cancel());
  };

  return {
    async actor(team, user, fallbackName) {
      // Never wait for a display name: the payload's name serves the first press; later
      // ones get the looked-up name. Group memberships decide sign-offs, so they are awaited (one
      // usergroups.list per workspace, shared by every press, within the budget).
      lastPressAt = now();
      const name = knownName(team, user);
      scheduleDrain(quietMs);
      // Nearly every press finds the memberships loaded: read them without a timer and a race.
      const loaded = fresh(groups, team, groupsTtl);
      const memberships = loaded ? loaded.value : await withinBudget(cached(groups, team, groupsTtl, loadGroups(team)), null);
      return actorOf(slackPerson(team, user), name || fallbackName || user, memberships?.get(user) ?? []);
    },
    stop() {
      drainTimer?.cancel();
      unnamed.clear();
    },
    get namesKept() {
      return names.size;
    },
  };
}

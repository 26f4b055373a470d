import type { webApi } from "@slack/bolt";
import type { Logger } from "../../src/app/ports.js";
import type { Actor } from "../../src/domain/types.js";
import { slackGroupId, slackUserId } from "./inbound.js";
import { describeSlackError } from "./logger.js";

/** Resolves a Slack user into an Actor: a readable name and the user groups roles may be bound to. */
export interface SlackIdentity {
  actor(team: string, user: string, fallbackName: string): Promise<Actor>;
}

interface Options {
  /** How long group memberships are trusted: a role granted to @qa reaches new members within this. */
  groupsTtlMs?: number;
  namesTtlMs?: number;
  /** Lookups must never push an ack past Slack's 3 s: after this, fall back to what the payload says. */
  budgetMs?: number;
  now?: () => number;
}

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

export function createSlackIdentity(client: webApi.WebClient, log: Logger, options: Options = {}): SlackIdentity {
  const groupsTtl = options.groupsTtlMs ?? 60_000;
  const namesTtl = options.namesTtlMs ?? 10 * 60_000;
  const budget = options.budgetMs ?? 1000;
  const now = options.now ?? Date.now;
  const names = new Map<string, Cached<string | null>>();
  const groups = new Map<string, Cached<Map<string, string[]> | null>>();
  let warnedGroups = false;

  function cached<T>(map: Map<string, Cached<T>>, key: string, ttl: number, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && now() - hit.at < ttl) return hit.value;
    const value = load();
    map.set(key, { at: now(), value });
    // A failed lookup is not cached for long: the next press tries again.
    void value.then((v) => {
      if (v === null) map.set(key, { at: now() - ttl + 5000, value });
    });
    return value;
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

  const loadGroups = (team: string) => async (): Promise<Map<string, string[]> | null> => {
    try {
      const res = await client.usergroups.list({ include_users: true, team_id: team });
      const byUser = new Map<string, string[]>();
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
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), budget)));
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  };

  return {
    async actor(team, user, fallbackName) {
      const [name, memberships] = await Promise.all([
        withinBudget(cached(names, `${team}:${user}`, namesTtl, loadName(user)), null),
        withinBudget(cached(groups, team, groupsTtl, loadGroups(team)), null),
      ]);
      return { id: slackUserId(team, user), name: name || fallbackName || user, groups: memberships?.get(user) ?? [] };
    },
  };
}

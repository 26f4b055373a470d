import type { CoreConfig } from "../src/app/context.js";
import { parseAdmin, type Person } from "../src/domain/identity.js";

/** A clock the tests and benchmarks set by hand, and the core configuration they start from. */

export interface FakeClock {
  now(): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function createFakeClock(start: number): FakeClock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => void (t = ms),
    advance: (ms) => void (t += ms),
  };
}

/** Admins as GONOGO_ADMINS spells them (`terminal:admin`, `slack:T1:U1`, `U1`), read as config reads them. */
export function admins(...entries: string[]): Person[] {
  return entries.map((entry) => {
    const admin = parseAdmin(entry);
    if (!admin) throw new Error(`${entry} is not an admin id`);
    return admin;
  });
}

export const defaultCoreConfig: CoreConfig = {
  admins: admins("terminal:admin"),
  timezone: "UTC",
  quorum: 2,
  require: [],
  retroDelayMs: 24 * 3_600_000,
  retroWindowMs: 7 * 86_400_000,
  lockReminder: 4 * 60,
  deployWebhookUrl: undefined,
  rollbackWebhookUrl: undefined,
  webhookSecret: undefined,
};

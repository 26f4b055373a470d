import type { CoreConfig } from "../src/app/context.js";

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

export const defaultCoreConfig: CoreConfig = {
  admins: ["terminal:admin"],
  timezone: "UTC",
  quorum: 2,
  require: [],
  retroDelayMs: 24 * 3_600_000,
  retroWindowMs: 7 * 86_400_000,
  deployWebhookUrl: undefined,
  rollbackWebhookUrl: undefined,
  webhookSecret: undefined,
};

import { expect } from "vitest";
import { isUserError, type UserError } from "../../src/domain/errors.js";
import { DEFAULT_POLICY, type Policy } from "../../src/domain/policy.js";
import type { Release, Vote, VoteChoice } from "../../src/domain/types.js";

/** 2030-01-15 09:00 UTC, a Tuesday far from any DST change. */
export const NOW = Date.UTC(2030, 0, 15, 9, 0);
export const MIN = 60_000;
export const HOUR = 60 * MIN;

export function makeRelease(over: Partial<Release> = {}): Release {
  return {
    id: "R-1",
    seq: 1,
    service: "payments",
    version: "1.4.2",
    environment: "production",
    description: null,
    managerId: "terminal:alice",
    managerName: "alice",
    channel: { platform: "terminal", key: "terminal:local:#releases", nativeId: "#releases" },
    scheduledAt: null,
    timezone: "UTC",
    state: "voting",
    stateReason: null,
    createdAt: NOW,
    createdBy: "terminal:alice",
    decidedGoAt: null,
    shippedAt: null,
    rollbackRequestedAt: null,
    recoveredAt: null,
    retroOpenedAt: null,
    closedAt: null,
    votesVoidedNote: null,
    webhookNote: null,
    ...over,
  };
}

export function policy(over: Partial<Policy> = {}): Policy {
  return { ...DEFAULT_POLICY, ...over };
}

export function vote(name: string, choice: VoteChoice, opts: { reason?: string; roles?: string[]; at?: number } = {}): Vote {
  return { voter: `terminal:${name}`, voterName: name, choice, reason: opts.reason ?? null, roles: opts.roles ?? [], at: opts.at ?? NOW };
}

/** Runs `fn`, expects a UserError with `code` whose message contains every fragment; returns it. */
export function userError(fn: () => unknown, code: string, ...fragments: string[]): UserError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, "expected a UserError to be thrown").toBeDefined();
  if (!isUserError(caught)) throw new Error(`expected a UserError, got ${String(caught)}`);
  expect(caught.code).toBe(code);
  for (const f of fragments) expect(caught.message).toContain(f);
  return caught;
}

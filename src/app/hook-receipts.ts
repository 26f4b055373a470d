import { createHash } from "node:crypto";
import type { HookEvent } from "./bot-api.js";
import type { Ctx } from "./context.js";
import { applyAlert, applyCheckReport, applyDeployReport, type HookOutcome } from "./use-cases/hooks.js";

/**
 * A hook refused with a 4xx (no such release, a state it cannot take, an unknown criterion):
 * thrown so its transaction rolls back, receipt and any write included. The sender may then
 * send the same webhook-id again once the cause is fixed; the door answers with `outcome`.
 */
export class HookRefused extends Error {
  constructor(readonly outcome: HookOutcome) {
    super(`hook refused with ${outcome.status}`);
    this.name = "HookRefused";
  }
}

/** Applies a verified hook once: its webhook-id is recorded in the same transaction as its change. */
export async function applyHook(ctx: Ctx, hook: HookEvent): Promise<HookOutcome> {
  const receipt = await ctx.store.recordHookReceipt(hook.signature, ctx.clock.now(), reportHash(hook));
  if (receipt === "same") return { status: 200, body: { ok: true, duplicate: true } };
  // A sender reusing an id (its run id for every report) would otherwise lose each report after the first.
  if (receipt === "different") {
    return { status: 409, body: { error: "this webhook-id came with a different report before, so this one was not applied: send a new webhook-id for each report, and keep it only when retrying that same report" } };
  }
  const outcome = await applyReport(ctx, hook);
  if (outcome.status >= 400) throw new HookRefused(outcome);
  return outcome;
}

/** The report's fingerprint, its fields in a fixed order: a retry re-serialized by its sender is still the same report. */
function reportHash(hook: HookEvent): string {
  const fields = Object.entries(hook.report as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash("sha256").update(JSON.stringify([hook.kind, fields])).digest("hex");
}

function applyReport(ctx: Ctx, hook: HookEvent): Promise<HookOutcome> {
  switch (hook.kind) {
    case "deploy":
      return applyDeployReport(ctx, hook.report);
    case "alert":
      return applyAlert(ctx, hook.report);
    case "check":
      return applyCheckReport(ctx, hook.report);
  }
}

import { z } from "zod";
import { UserError } from "../../domain/errors.js";
import { decisionInWords } from "../../domain/decision.js";
import { normalizeReleaseId } from "../../domain/command-fields.js";
import { isFinal, STATE_LABELS, transition, type ReleaseState } from "../../domain/release.js";
import { ALERT_SEVERITIES } from "../../domain/policy.js";
import { CRITERION_NAME, CRITERION_STATUSES, evidenceText, type Criterion } from "../../domain/criteria.js";
import { acceptsVotes } from "../../domain/release.js";
import { INPUT_LIMITS } from "../../domain/limits.js";
import { releaseDecision } from "../release-decision.js";
import { ROLLBACK_BUTTON } from "../views.js";
import { decisionIfHeld, goReached } from "../go-reached.js";
import type { Release } from "../../domain/types.js";
import { audit, isGroup, notice, policyFor, systemActor, type Ctx } from "../context.js";
import { holdersWhoSee } from "../role-holders.js";
import { markShipped } from "./lifecycle.js";
import { recovered, rollback } from "./rollback.js";

/** A release id as commands take it: `R-12`, `r-12`, `12` or `#12`. */
const RELEASE_ID = /^(?:#|[Rr]-?)?\d{1,9}$/;

/** What a pipeline reports to `POST /hooks/deploy`. */
export const deployReportSchema = z
  .object({
    release: z.string().regex(RELEASE_ID, "a release id such as R-12").optional(),
    service: z.string().min(1).max(64).optional(),
    version: z.string().min(1).max(64).optional(),
    environment: z.string().min(1).max(32).optional(),
    status: z.enum(["started", "succeeded", "failed", "rolled_back"]),
    url: z.url().max(500).optional(),
  })
  .strict()
  .refine((b) => b.release || (b.service && b.version), "give `release` (R-12) or both `service` and `version`");
export type DeployReport = z.infer<typeof deployReportSchema>;

/** What monitoring reports to `POST /hooks/alert`. */
export const alertSchema = z
  .object({
    service: z.string().min(1).max(64),
    environment: z.string().min(1).max(32).optional(),
    summary: z.string().min(1).max(500),
    severity: z.enum(ALERT_SEVERITIES),
    release: z.string().regex(RELEASE_ID, "a release id such as R-12").optional(),
    link: z.url().max(500).optional(),
  })
  .strict();
export type AlertReport = z.infer<typeof alertSchema>;

/** What CI reports to `POST /hooks/check`: one readiness criterion of one release. */
export const checkReportSchema = z
  .object({
    release: z.string().regex(RELEASE_ID, "a release id such as R-12").optional(),
    service: z.string().min(1).max(64).optional(),
    version: z.string().min(1).max(64).optional(),
    environment: z.string().min(1).max(32).optional(),
    // Names are kept in lower case (`criteria set Tests` is `tests`): a pipeline may spell them either way, as services.
    check: z.string().transform((c) => c.toLowerCase()).pipe(z.string().regex(CRITERION_NAME, "a criterion name such as tests (a word, at most 32 characters)")),
    status: z.enum(CRITERION_STATUSES),
    // Only http(s): the card shows it as a link.
    url: z.url({ protocol: /^https?$/ }).max(INPUT_LIMITS.evidenceUrl.max).optional(),
    summary: z.string().min(1).max(INPUT_LIMITS.checkNote.max).optional(),
  })
  .strict()
  .refine((b) => b.release || (b.service && b.version), "give `release` (R-12) or both `service` and `version`");
export type CheckReport = z.infer<typeof checkReportSchema>;

/** The HTTP answer to a hook, decided by the core. */
export interface HookOutcome {
  status: 200 | 404 | 409 | 422;
  body: Record<string, unknown>;
}

const PIPELINE = systemActor("pipeline", "the pipeline");
const MONITORING = systemActor("monitoring", "monitoring");

class HookConflict extends Error {}

type ReleaseRef = { release?: string; service?: string; version?: string; environment?: string };

/** The default environment of `/release create`: where a report that names none is meant, among several. */
const DEFAULT_ENVIRONMENT = "production";

/**
 * Of the releases a report's service (and version) match, newest first: the newest in the
 * environment it names; with none named, the newest when they are all in one environment,
 * else the newest in production. Anything else is "ambiguous": refused, never guessed, since
 * an alert may roll back what it lands on.
 */
function pick(found: Release[], environment: string | undefined): Release | "ambiguous" | null {
  // Names are kept in lower case (command-fields.ts): a pipeline may spell them `Payments`.
  const named = environment?.toLowerCase();
  if (named) return found.find((r) => r.environment === named) ?? null;
  if (new Set(found.map((r) => r.environment)).size <= 1) return found[0] ?? null;
  return found.find((r) => r.environment === DEFAULT_ENVIRONMENT) ?? "ambiguous";
}

/** The 409 for a report that matches releases in several environments and names none. */
function ambiguous(ref: ReleaseRef, found: Release[]): HookOutcome {
  const list = found.map((r) => `${r.id} (${r.environment})`).join(", ");
  return { status: 409, body: { error: `${ref.service}${ref.version ? ` ${ref.version}` : ""} matches releases in several environments, none of them production: ${list}; add "environment" (or "release") to the report`, candidates: found.map((r) => r.id) } };
}

/**
 * The 409 for a report whose release id and the service, version or environment it also
 * gives disagree: a stale run of 1.0.0 must not tick the criteria of 1.0.1, nor a report
 * meant for search staging move payments production.
 */
function mismatch(ref: ReleaseRef, release: Release): HookOutcome | null {
  const differs = [
    ref.service !== undefined && ref.service.toLowerCase() !== release.service ? `service ${release.service}, not ${ref.service}` : null,
    ref.version !== undefined && ref.version !== release.version ? `version ${release.version}, not ${ref.version}` : null,
    ref.environment !== undefined && ref.environment.toLowerCase() !== release.environment ? `environment ${release.environment}, not ${ref.environment}` : null,
  ].filter((d): d is string => d !== null);
  if (!differs.length) return null;
  return { status: 409, body: { error: `${release.id} is ${differs.join(", ")}: the report was not applied. Send the release this run built, or leave out "release" to match by service and version.`, release: release.id } };
}

async function findRelease(ctx: Ctx, ref: ReleaseRef, live = false, prefer: readonly ReleaseState[] = []): Promise<Release | HookOutcome | null> {
  if (ref.release) {
    const release = await ctx.store.getRelease(normalizeReleaseId(ref.release, "R-12"));
    return release ? (mismatch(ref, release) ?? release) : null;
  }
  const matching = (await ctx.store.findReleases({ service: ref.service?.toLowerCase(), version: ref.version })).filter((r) => !live || r.state === "shipping" || r.state === "shipped");
  // Two releases of one version (a duplicate created later): the one in a state the report is
  // about wins over the newer one, so a duplicate still voting cannot take the shipping one's deploy report.
  const fitting = matching.filter((r) => prefer.includes(r.state));
  const found = fitting.length ? fitting : matching;
  const release = pick(found, ref.environment);
  return release === "ambiguous" ? ambiguous(ref, found) : release;
}

const inEnvironment = (ref: ReleaseRef) => (ref.environment ? ` in ${ref.environment.toLowerCase()}` : "");

const isOutcome = (x: Release | HookOutcome): x is HookOutcome => "status" in x && "body" in x;

/** Everyone to page when a live release misbehaves: its manager and the on-call holders who see it (another workspace's are not its on-call). */
async function oncall(ctx: Ctx, release: Release): Promise<{ mention: string[]; mentionGroups: string[] }> {
  const holders = await holdersWhoSee(ctx, release, "oncall");
  return { mention: [...new Set([release.managerId, ...holders.filter((s) => !isGroup(s))])], mentionGroups: holders.filter(isGroup) };
}


export async function applyDeployReport(ctx: Ctx, report: DeployReport): Promise<HookOutcome> {
  const release = await findRelease(ctx, report, false, ["shipping", "shipped"]);
  if (!release) {
    return { status: 404, body: { error: `no release ${report.release ?? `of ${report.service} ${report.version}${inEnvironment(report)}`}; create it with /release create first` } };
  }
  if (isOutcome(release)) return release;
  const link = report.url ? ` (${report.url})` : "";
  try {
    switch (report.status) {
      case "started":
        if (release.state !== "shipping") throw new HookConflict(`${release.id} is ${STATE_LABELS[release.state].toLowerCase()}, not shipping; ship it with /release ship ${release.id} once GO`);
        await ctx.store.updateRelease(release.id, { webhookNote: `Pipeline: deploy started${link}` });
        await audit(ctx, PIPELINE, "hook", release.id, { type: "deploy_started", data: { url: report.url ?? null } });
        ctx.effects.push({ type: "refresh", releaseId: release.id });
        break;
      case "succeeded":
        if (release.state === "shipped") return { status: 200, body: { ok: true, release: release.id, state: release.state, unchanged: true } };
        transitionOrConflict(release, "shipped");
        await markShipped(ctx, release, PIPELINE, "hook");
        await ctx.store.updateRelease(release.id, { webhookNote: `Pipeline: deploy succeeded${link}` });
        break;
      case "failed": {
        if (release.state !== "shipping" && release.state !== "shipped") throw new HookConflict(`${release.id} is ${STATE_LABELS[release.state].toLowerCase()}; only a shipping or shipped release can fail a deploy`);
        await ctx.store.updateRelease(release.id, { webhookNote: `Pipeline: deploy FAILED${link}` });
        await audit(ctx, PIPELINE, "hook", release.id, { type: "deploy_failed", data: { url: report.url ?? null } });
        const who = await oncall(ctx, release);
        ctx.effects.push(
          { type: "refresh", releaseId: release.id },
          notice(release.id, `❌ The deploy of ${release.id} (${release.service} ${release.version}) failed${link}. On-call: press Roll back to restore the previous version.`, { ...who, buttons: [ROLLBACK_BUTTON] }),
        );
        break;
      }
      case "rolled_back":
        if (release.state === "rolled_back") return { status: 200, body: { ok: true, release: release.id, state: release.state, unchanged: true } };
        transitionOrConflict(release, "recovered");
        await recovered(ctx, PIPELINE, "hook", release.id);
        break;
    }
  } catch (err) {
    if (err instanceof HookConflict || err instanceof UserError) return { status: 409, body: { error: err.message, release: release.id, state: release.state } };
    throw err;
  }
  return { status: 200, body: { ok: true, release: release.id, state: (await ctx.store.getRelease(release.id))?.state } };
}

function transitionOrConflict(release: Release, step: "shipped" | "recovered"): void {
  try {
    transition(release.id, release.state, step);
  } catch (err) {
    if (err instanceof UserError) throw new HookConflict(err.message);
    throw err;
  }
}

export async function applyAlert(ctx: Ctx, alert: AlertReport): Promise<HookOutcome> {
  const release = await findRelease(ctx, alert, true);
  if (!release) return { status: 404, body: { error: alert.release ? `no release ${alert.release}` : `no live (shipping or shipped) release of ${alert.service}${inEnvironment(alert)}` } };
  if (isOutcome(release)) return release;
  if (isFinal(release.state)) return { status: 409, body: { error: `${release.id} is ${release.state}; nothing to roll back`, release: release.id } };
  await audit(ctx, MONITORING, "hook", release.id, { type: "alert_received", data: { severity: alert.severity, summary: alert.summary, link: alert.link ?? null } });
  const link = alert.link ? ` ${alert.link}` : "";
  const icon = alert.severity === "critical" ? "🚨" : alert.severity === "warning" ? "⚠️" : "ℹ️";
  const policy = await policyFor(ctx, release.channel.key);
  const canRollBack = release.state === "shipping" || release.state === "shipped";
  if (canRollBack && policy.autoRollback.includes(alert.severity)) {
    // Nobody pressed it: on-call hears of it as of any alert.
    await rollback(ctx, MONITORING, "hook", release.id, `automatic on ${alert.severity} alert: ${alert.summary}`, await oncall(ctx, release));
    return { status: 200, body: { ok: true, release: release.id, rolledBack: true } };
  }
  const who = await oncall(ctx, release);
  ctx.effects.push(
    notice(release.id, `${icon} ${alert.severity} alert for ${alert.service}: ${alert.summary}.${link}${canRollBack ? ` On-call: if ${release.id} caused it, press Roll back.` : ""}`, {
      ...who,
      buttons: canRollBack ? [ROLLBACK_BUTTON] : [],
    }),
  );
  return { status: 200, body: { ok: true, release: release.id, rolledBack: false } };
}

/**
 * CI reports a criterion: it then owns it (people tick it only through an admin's
 * override). A release that is no longer being decided refuses (409); an unknown
 * criterion names the ones the release has (422).
 */
export async function applyCheckReport(ctx: Ctx, report: CheckReport): Promise<HookOutcome> {
  const release = await findRelease(ctx, report, false, ["voting", "held"]);
  if (!release) return { status: 404, body: { error: `no release ${report.release ?? `of ${report.service} ${report.version}${inEnvironment(report)}`}; create it with /release create first` } };
  if (isOutcome(release)) return release;
  const criteria = await ctx.store.listCriteria(release.id);
  const criterion = criteria.find((c) => c.name === report.check);
  if (!criterion) {
    const known = criteria.map((c) => c.name);
    const error = known.length ? `${release.id} has no criterion "${report.check}"; its criteria are: ${known.join(", ")}` : `${release.id} has no readiness criteria; an admin names them with /release criteria set before the release is created`;
    return { status: 422, body: { error, release: release.id, known } };
  }
  if (!acceptsVotes(release.state)) {
    return { status: 409, body: { error: `${release.id} is ${STATE_LABELS[release.state].toLowerCase()}; its criteria can no longer change`, release: release.id, state: release.state } };
  }
  const note = report.summary ?? null;
  const url = report.url ?? null;
  if (criterion.source === "ci" && criterion.status === report.status && criterion.note === note && criterion.url === url) {
    return { status: 200, body: { ok: true, release: release.id, check: criterion.name, status: criterion.status, unchanged: true } };
  }
  const updated: Criterion = { ...criterion, status: report.status, setBy: PIPELINE.id, setByName: PIPELINE.name, source: "ci", at: ctx.clock.now(), note, url, ciOwned: true };
  const heldBefore = await decisionIfHeld(ctx, release);
  await ctx.store.saveCriterion(release.id, updated);
  await audit(ctx, PIPELINE, "hook", release.id, { type: "criterion_ticked", data: { criterion: criterion.name, before: criterion.status, after: report.status, source: "ci", note, url } });
  const result = await releaseDecision(ctx, release);
  await goReached(ctx, PIPELINE, "hook", release, heldBefore, result);
  ctx.effects.push({ type: "refresh", releaseId: release.id });
  if (report.status === "failed" && criterion.status !== "failed") {
    ctx.effects.push(notice(release.id, `❌ CI: ${criterion.name} failed on ${release.id}${evidenceText(updated)}. It blocks the release until it passes.`, { mention: [release.managerId] }));
  }
  // The thread said it blocks; it says so too when the block is lifted.
  if (report.status === "passed" && criterion.status === "failed") {
    ctx.effects.push(notice(release.id, `✅ CI: ${criterion.name} passed again on ${release.id}${evidenceText(updated)}; it no longer blocks. Decision: ${decisionInWords(result)}.`));
  }
  return { status: 200, body: { ok: true, release: release.id, check: criterion.name, status: report.status, decision: result.decision } };
}

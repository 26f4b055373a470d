import { randomUUID } from "node:crypto";
import { isUserError } from "../domain/errors.js";
import type { Bot } from "./bot-api.js";
import { buildCard } from "./card.js";
import { createCardSync, describe } from "./card-sync.js";
import { audit, notice, PermissionDenied, policyFor, type CoreConfig, type Ctx, type Effect } from "./context.js";
import { dispatch } from "./dispatch.js";
import type { InboundEvent } from "./events.js";
import { recordDelivery, runJob, sendWebhook } from "./jobs.js";
import { noTelemetry, systemClock, type ChatSurface, type Clock, type Logger, type Telemetry } from "./ports.js";
import { applyAlert, applyDeployReport, type HookOutcome } from "./use-cases/hooks.js";
import type { HookEvent } from "./bot-api.js";
import { failure } from "./replies.js";
import type { Store } from "./store.js";
import { overview } from "./use-cases/queries.js";
import type { CardView, Reply } from "./views.js";
import { offsetLabel } from "../domain/countdown.js";
import { relative } from "../domain/time.js";

export interface BotDeps {
  store: Store;
  config: CoreConfig;
  clock?: Clock;
  log?: Logger;
  fetch?: typeof fetch;
  telemetry?: Telemetry;
  /**
   * The runner's safety net: calls `fn` every second in case a timer was lost (clock
   * jumps, sleep). The program passes a node-cron tick; tests drive runDueJobs themselves.
   */
  everySecond?: (fn: () => void) => { stop(): void | Promise<void> };
}

const silent: Logger = { info() {}, warn() {}, error() {} };
const LEASE_MS = 60_000;
/** Reminders this late at start-up were missed while offline: collapse them into one note. */
const MISSED_AFTER_MS = 60_000;

/** Wires the core: the door, effects, card sync and the job runner. */
export function createBot(deps: BotDeps): Bot {
  const { store, config } = deps;
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? silent;
  const fetchFn = deps.fetch ?? fetch;
  const telemetry = deps.telemetry ?? noTelemetry;
  const surfaces = new Map<string, ChatSurface>();

  const newCtx = (): Ctx => ({ store, clock, config, log, effects: [], audited: [] });

  function cardFor(releaseId: string): CardView {
    const release = store.getRelease(releaseId);
    if (!release) throw new Error(`card for unknown release ${releaseId}`);
    return buildCard({
      release,
      votes: store.getVotes(releaseId),
      policy: policyFor(newCtx(), release.channel.key),
      pendingJobs: store.listPendingJobs(releaseId),
      retroAnswers: release.retroOpenedAt ? store.listRetroAnswers(releaseId) : [],
      now: clock.now(),
    });
  }

  const cards = createCardSync({ store, log, cardFor, surfaces, telemetry });

  /** Counts what a committed use case did, from the audit events it wrote. */
  function count(ctx: Ctx): void {
    for (const e of ctx.audited) {
      if (e.type === "vote_cast" || e.type === "vote_changed") telemetry.voteCast(e.platform);
      else if (e.type === "rollback_requested") telemetry.rollback();
      else if (e.type === "webhook_delivered") telemetry.webhook(String(e.data.kind), "delivered");
      else if (e.type === "webhook_attempt_failed") telemetry.webhook(String(e.data.kind), "retry");
      else if (e.type === "webhook_failed") telemetry.webhook(String(e.data.kind), "failed");
      else if (e.type === "state_changed" && e.data.to === "shipping") telemetry.decision("go");
      else if (e.type === "state_changed" && e.platform === "scheduler" && e.data.to === "held") telemetry.decision("hold");
      else if (e.type === "state_changed" && e.platform === "scheduler" && e.data.to === "cancelled") telemetry.decision("cancel");
    }
  }

  function commit(ctx: Ctx): void {
    count(ctx);
    runEffects(ctx.effects);
  }

  function runEffects(effects: Effect[]): void {
    for (const e of effects) {
      if (e.type === "refresh") cards.refresh(e.releaseId);
      else if (e.type === "post") cards.post(e.releaseId, e.channel);
      else if (e.type === "notice") cards.notice(e.notice);
      else arm();
    }
  }

  async function handle(event: InboundEvent): Promise<Reply> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const ctx = newCtx();
    try {
      const reply = store.transaction(() => dispatch(ctx, cardFor, event));
      commit(ctx);
      telemetry.interaction(event.kind, event.channel.platform, seconds(), "ok");
      return Promise.resolve(reply);
    } catch (err) {
      if (isUserError(err)) {
        telemetry.interaction(event.kind, event.channel.platform, seconds(), "user_error");
        if (err instanceof PermissionDenied) {
          store.transaction(() => audit(ctx, event.actor, event.channel.platform, err.releaseId, "permission_refused", { action: err.action }));
        }
        if (event.kind === "form" && err.field) return { type: "form_errors", errors: { [err.field]: err.message }, text: err.message };
        return failure(err.message);
      }
      telemetry.interaction(event.kind, event.channel.platform, seconds(), "internal_error");
      const errorId = randomUUID().slice(0, 8);
      log.error({ errorId, err: err instanceof Error ? err.stack : String(err), kind: event.kind, actor: event.actor.id }, "internal error handling an event");
      return failure(`Sorry, something went wrong on our side (error id ${errorId}). Nothing was changed; please try again, and give your admin the id if it keeps happening.`);
    }
  }

  // ---- job runner -------------------------------------------------------
  let timer: NodeJS.Timeout | null = null;
  let tick: { stop(): void | Promise<void> } | null = null;
  let running = false;
  let stopped = true;
  const inFlight = new Set<Promise<unknown>>();

  async function runOne(job: ReturnType<Store["claimDueJobs"]>[number]): Promise<void> {
    const ctx = newCtx();
    try {
      if (job.kind === "webhook") {
        const delivery = store.getDelivery(Number(job.payload.deliveryId));
        // The signature's timestamp is wall-clock time: receivers check it against theirs.
        const result = delivery
          ? await sendWebhook(fetchFn, delivery.url, delivery.body, delivery.idempotencyKey, config.webhookSecret ?? "", Date.now())
          : { ok: false, status: null, error: "missing delivery" };
        store.transaction(() => recordDelivery(ctx, job, result));
      } else {
        store.transaction(() => runJob(ctx, job));
      }
      telemetry.jobLag(job.kind, Math.max(0, clock.now() - job.dueAt) / 1000);
      commit(ctx);
    } catch (err) {
      // The lease expires and the job comes back: a crash here never loses it.
      log.error({ err: describe(err), jobId: job.id, kind: job.kind }, "job failed; it will be retried when its lease expires");
    }
  }

  async function runDueJobs(): Promise<number> {
    let count = 0;
    for (;;) {
      const due = store.claimDueJobs(clock.now(), LEASE_MS, 100);
      if (!due.length) break;
      count += due.length;
      await Promise.all(due.map((job) => runOne(job)));
    }
    return count;
  }

  /** Arms one timer for the next due job, so reminders are milliseconds late, not a tick late. */
  function arm(): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    const next = store.nextJobDueAt();
    if (next === null) return;
    const wait = Math.min(Math.max(next - clock.now(), 0), 2 ** 31 - 1);
    timer = setTimeout(() => void pass(), wait);
  }

  async function pass(): Promise<void> {
    if (running || stopped) return;
    running = true;
    const p = runDueJobs()
      .catch((err: unknown) => log.error({ err: describe(err) }, "scheduler pass failed"))
      .finally(() => {
        running = false;
        arm();
      });
    inFlight.add(p);
    await p;
    inFlight.delete(p);
  }

  /** At start-up: one honest note per release for reminders missed while offline; T-0 and webhooks still run. */
  function catchUp(): void {
    const now = clock.now();
    const missed = store.listPendingJobs(undefined, { kind: "reminder", dueBefore: now - MISSED_AFTER_MS });
    const byRelease = new Map<string, typeof missed>();
    for (const j of missed) byRelease.set(j.releaseId, [...(byRelease.get(j.releaseId) ?? []), j]);
    for (const [releaseId, jobs] of byRelease) {
      const ctx = newCtx();
      store.transaction(() => {
        for (const j of jobs) store.completeJob(j.id, now);
        const release = store.getRelease(releaseId);
        if (release?.state === "voting" && release.scheduledAt !== null) {
          const labels = jobs.map((j) => offsetLabel(Number(j.payload.offsetMin))).join(", ");
          ctx.effects.push(notice(releaseId, `⚠️ gonogo was offline and missed the ${labels} reminder${jobs.length > 1 ? "s" : ""} for ${releaseId}. T-0 is ${relative(release.scheduledAt, now)}.`));
          audit(ctx, { id: "gonogo" }, "scheduler", releaseId, "reminders_missed", { offsets: jobs.map((j) => j.payload.offsetMin) });
        }
      });
      commit(ctx);
    }
  }

  /** Applies a signed hook once: its signature is recorded in the same transaction as its change. */
  function handleHook(hook: HookEvent): HookOutcome {
    const ctx = newCtx();
    const outcome = store.transaction((): HookOutcome => {
      if (!store.recordHookReceipt(hook.signature, clock.now())) return { status: 200, body: { ok: true, duplicate: true } };
      return hook.kind === "deploy" ? applyDeployReport(ctx, hook.report) : applyAlert(ctx, hook.report);
    });
    commit(ctx);
    return outcome;
  }

  /** Re-renders every live card from the stored state (a crash may have left one stale). */
  function reconcileCards(): void {
    const recent = store.listReleases({ limit: 200 });
    for (const r of recent) if (r.state !== "closed" && r.state !== "cancelled") cards.refresh(r.id);
  }

  return {
    handle,
    handleHook,
    attachSurface(surface) {
      surfaces.set(surface.platform, surface);
    },
    overviewFor(actor) {
      return overview(newCtx(), cardFor, actor);
    },
    idle: async () => {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      await cards.idle();
    },
    async start() {
      stopped = false;
      catchUp();
      reconcileCards();
      tick = deps.everySecond?.(() => void pass()) ?? null;
      await pass();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await tick?.stop();
      tick = null;
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      await cards.idle();
    },
    runDueJobs,
  };
}

import { offsetLabel } from "../domain/countdown.js";
import { relative } from "../domain/time.js";
import { audit, notice, SCHEDULER, type Ctx } from "./context.js";
import { runJob } from "./due-jobs.js";
import { recordDurableEffects } from "./durable-effects.js";
import type { Cluster } from "./cluster.js";
import { describe, type Clock, type Logger, type Telemetry, type Timer, type TimerHandle } from "./ports.js";
import type { Job, Store } from "./store.js";
import { deliverWebhookJob, type WebhookDeliveryDeps } from "./webhook-delivery.js";

export interface JobRunnerDeps {
  store: Store;
  clock: Clock;
  timer: Timer;
  log: Logger;
  telemetry: Telemetry;
  webhooks: Omit<WebhookDeliveryDeps, "store" | "clock">;
  /** The use-case context on a transaction. */
  ctxFor: (tx: Store) => Ctx;
  /** Runs a committed job's effects (the effect runner). */
  afterCommit: (ctx: Ctx) => void;
  /** Several instances on one database: a job planned here re-arms their timers too, and theirs ours. */
  cluster?: Cluster;
}

/**
 * A job whose runner died comes back to any runner after this long (another instance takes
 * it over within this and a timer's delay). A live runner renews the lease every
 * JOB_RENEW_MS while it works on the job, so a slow one (a webhook call may take 10 s,
 * a transaction may queue behind a storm) never loses it.
 */
export const JOB_LEASE_MS = 10_000;
const JOB_RENEW_MS = 3_000;
/** Reminders this late at start-up were missed while offline: collapse them into one note. */
const MISSED_AFTER_MS = 60_000;
/** The safety net beside the armed timer, for a timer lost to a clock jump or a sleeping host. */
const TICK_MS = 1_000;

/**
 * Runs due jobs (reminders, T-0, retro, webhook deliveries): one timer armed for the next
 * due job, so a reminder is milliseconds late, not a tick late; a one-second tick as the
 * safety net; each job claimed with a lease so it runs once; and at start-up, one honest
 * note for reminders missed while offline.
 */
export function createJobRunner(deps: JobRunnerDeps) {
  const { store, clock, timer, log, telemetry, ctxFor, afterCommit } = deps;
  let next: TimerHandle | null = null;
  let tick: TimerHandle | null = null;
  let running = false;
  let stopped = true;
  const inFlight = new Set<Promise<unknown>>();
  /** Jobs claimed here that failed, with when their lease ends: this runner's until then, or until stop() lets them go. */
  const failed = new Map<number, { job: Job; leaseUntil: number }>();

  async function runOne(job: Job, claimedUntil: number): Promise<void> {
    failed.delete(job.id);
    let leaseUntil = claimedUntil;
    const renewal = timer.every(JOB_RENEW_MS, () => {
      const now = clock.now();
      store.renewJobLease(job.id, now, JOB_LEASE_MS).then(
        (renewed) => void (renewed && (leaseUntil = now + JOB_LEASE_MS)),
        (err: unknown) => log.warn({ err: describe(err), jobId: job.id }, "renewing a job's lease failed; trying again in a few seconds"),
      );
    });
    try {
      const ctx =
        job.kind === "webhook"
          ? await deliverWebhookJob({ ...deps.webhooks, store, clock }, job, ctxFor)
          : await store.transaction(async (tx) => {
              const ctx = ctxFor(tx);
              await runJob(ctx, job);
              await recordDurableEffects(ctx);
              return ctx;
            });
      telemetry.jobLag(job.kind, Math.max(0, clock.now() - job.dueAt) / 1000);
      afterCommit(ctx);
    } catch (err) {
      // The lease expires and the job comes back: a crash here never loses it.
      failed.set(job.id, { job, leaseUntil });
      log.error({ err: describe(err), jobId: job.id, kind: job.kind }, "job failed; it will be retried when its lease expires");
    } finally {
      renewal.cancel();
    }
  }

  /** Runs every job due now once (the timer calls this; tests call it after moving the fake clock). */
  async function runDueJobs(): Promise<number> {
    // A failed job whose lease ended is no longer this runner's to hand on: when it comes back it
    // runs anew, and one cancelled meanwhile (its release cancelled) or taken by another instance never does.
    for (const [id, f] of failed) if (f.leaseUntil <= clock.now()) failed.delete(id);
    let count = 0;
    for (;;) {
      const claimedAt = clock.now();
      const due = await store.claimDueJobs(claimedAt, JOB_LEASE_MS, 100);
      if (!due.length) break;
      count += due.length;
      await Promise.all(due.map((job) => runOne(job, claimedAt + JOB_LEASE_MS)));
    }
    return count;
  }

  /** Arms one timer for the next due job. */
  async function arm(): Promise<void> {
    if (stopped) return;
    const dueAt = await store.nextJobDueAt();
    next?.cancel();
    next = null;
    if (dueAt === null || stopped) return;
    next = timer.after(dueAt - clock.now(), () => void pass());
  }

  async function pass(): Promise<void> {
    if (running || stopped) return;
    running = true;
    const p = runDueJobs()
      .catch((err: unknown) => log.error({ err: describe(err) }, "scheduler pass failed"))
      .finally(() => {
        running = false;
        return wake();
      });
    inFlight.add(p);
    await p;
    inFlight.delete(p);
  }

  function wake(): Promise<void> {
    const p = arm().catch((err: unknown) => log.error({ err: describe(err) }, "arming the job timer failed"));
    inFlight.add(p);
    return p.finally(() => inFlight.delete(p));
  }

  /** At start-up: one honest note per release for reminders missed while offline; T-0 and webhooks still run. */
  async function catchUp(): Promise<void> {
    const now = clock.now();
    const missed = await store.listPendingJobs(undefined, { kind: "reminder", dueBefore: now - MISSED_AFTER_MS });
    const byRelease = new Map<string, Job[]>();
    for (const j of missed) byRelease.set(j.releaseId, [...(byRelease.get(j.releaseId) ?? []), j]);
    for (const [releaseId, jobs] of byRelease) {
      const ctx = await store.transaction(async (tx) => {
        const ctx = ctxFor(tx);
        for (const j of jobs) await tx.completeJob(j.id, now);
        const release = await tx.getRelease(releaseId);
        if (release?.state === "voting" && release.scheduledAt !== null) {
          const labels = jobs.map((j) => offsetLabel(Number(j.payload.offsetMin))).join(", ");
          ctx.effects.push(notice(releaseId, `⚠️ gonogo was offline and missed the ${labels} reminder${jobs.length > 1 ? "s" : ""} for ${releaseId}. T-0 is ${relative(release.scheduledAt, now)}.`));
          await audit(ctx, SCHEDULER, "scheduler", releaseId, { type: "reminders_missed", data: { offsets: jobs.map((j) => Number(j.payload.offsetMin)) } });
        }
        await recordDurableEffects(ctx);
        return ctx;
      });
      afterCommit(ctx);
    }
  }

  // Another instance planned or moved a job: it may be due before the one armed here.
  deps.cluster?.subscribe((signal) => {
    if (signal.type === "jobs") void wake();
  });

  return {
    runDueJobs,
    /** A use case planned or moved a job: re-arm the timer, here and on the other instances. */
    wake: () => {
      void wake();
      deps.cluster?.publish({ type: "jobs" });
    },
    async start(): Promise<void> {
      stopped = false;
      await catchUp();
      tick = timer.every(TICK_MS, () => void pass());
      await pass();
    },
    async stop(): Promise<void> {
      stopped = true;
      next?.cancel();
      tick?.cancel();
      tick = null;
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      // Jobs that failed here would wait out their lease: hand them to the next runner now
      // (only while the lease is still ours: an ended one may be another runner's by now).
      for (const { job } of [...failed.values()].filter((f) => f.leaseUntil > clock.now())) await store.retryJob(job.id, job.dueAt).catch((err: unknown) => log.error({ err: describe(err), jobId: job.id }, "letting go of a failed job's lease failed; it comes back when the lease ends"));
      failed.clear();
      if (deps.cluster) deps.cluster.publish({ type: "jobs" });
    },
    async idle(): Promise<void> {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
    /** How many failed jobs it keeps: for the test that pins the bound. */
    get failedHere(): number {
      return failed.size;
    },
  };
}

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Telemetry } from "../app/ports.js";
import type { Store } from "../app/store.js";
import { RELEASE_STATES } from "../domain/release.js";

/** Prometheus metrics: counters fed by the core's Telemetry port, gauges read from the store at scrape time. */
export function createMetrics(store: Store, instance: { id: string; database: string } = { id: "gonogo", database: "sqlite" }, platforms: () => Record<string, boolean> = () => ({})) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "gonogo_" });
  const reg = { registers: [registry] };

  // Which instance answered this scrape: with several behind one balancer, each one's
  // counters are its own (join on this to tell them apart, or sum them for the cluster).
  new Gauge({ name: "gonogo_instance_info", help: "This gonogo instance (GONOGO_INSTANCE_ID, else host name and process id) and its database", labelNames: ["gonogo_instance", "database"], ...reg }).set(
    { gonogo_instance: instance.id, database: instance.database },
    1,
  );

  new Gauge({
    name: "gonogo_releases",
    help: "Releases by state",
    labelNames: ["state"],
    ...reg,
    async collect() {
      // Counted by the database: a scrape must not read every release ever made.
      const counts = await store.countReleasesByState();
      for (const state of RELEASE_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  // /readyz leaves a platform on its own connection (Discord's gateway, Slack's Socket Mode) out of
  // readiness: this is where an alert on its outage looks instead.
  new Gauge({
    name: "gonogo_platform_connected",
    help: "1 while the chat platform is connected (over the gateway or Socket Mode) or its HTTP endpoint is served; 0 while gonogo is still trying to reach it",
    labelNames: ["platform"],
    ...reg,
    collect() {
      for (const [platform, connected] of Object.entries(platforms())) this.set({ platform }, connected ? 1 : 0);
    },
  });
  const votes = new Counter({ name: "gonogo_votes_total", help: "Votes cast or changed", labelNames: ["platform"], ...reg });
  const decisions = new Counter({ name: "gonogo_decisions_total", help: "Decisions acted on (go, hold, cancel)", labelNames: ["outcome"], ...reg });
  const rollbacks = new Counter({ name: "gonogo_rollbacks_total", help: "Rollbacks started", ...reg });
  const webhooks = new Counter({ name: "gonogo_webhook_deliveries_total", help: "Outbound webhook attempts by outcome", labelNames: ["kind", "outcome"], ...reg });
  const interactions = new Histogram({
    name: "gonogo_interaction_seconds",
    help: "Time to handle one command, button or form (validate, commit, answer)",
    labelNames: ["kind", "platform", "outcome"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ...reg,
  });
  const cardUpdates = new Counter({ name: "gonogo_card_updates_total", help: "Card edits sent to a platform", labelNames: ["platform", "outcome"], ...reg });
  const rateLimit = new Counter({ name: "gonogo_rate_limit_wait_seconds_total", help: "Seconds spent waiting out platform rate limits", labelNames: ["platform"], ...reg });
  const jobLag = new Histogram({
    name: "gonogo_job_lag_seconds",
    help: "How late a job ran (now − due)",
    labelNames: ["kind"],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300],
    ...reg,
  });

  const telemetry: Telemetry = {
    interaction: (kind, platform, seconds, outcome) => interactions.observe({ kind, platform, outcome }, seconds),
    voteCast: (platform) => votes.inc({ platform }),
    decision: (outcome) => decisions.inc({ outcome }),
    rollback: () => rollbacks.inc(),
    webhook: (kind, outcome) => webhooks.inc({ kind, outcome }),
    cardUpdate: (platform, outcome) => cardUpdates.inc({ platform, outcome }),
    rateLimitWait: (platform, seconds) => rateLimit.inc({ platform }, seconds),
    jobLag: (kind, seconds) => jobLag.observe({ kind }, seconds),
  };
  return { registry, telemetry };
}

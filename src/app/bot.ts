import type { Bot } from "./bot-api.js";
import { readCard } from "./card-reader.js";
import { createCardSync } from "./card-sync.js";
import type { Cluster } from "./cluster.js";
import type { CoreConfig } from "./context.js";
import { createDoor, newCtx } from "./door.js";
import { createEffectRunner } from "./effect-runner.js";
import { startPruning } from "./pruning.js";
import { createForm } from "./forms.js";
import { failure } from "./replies.js";
import { createJobRunner } from "./job-runner.js";
import { createPlatforms } from "./platforms.js";
import { createReleaseChanges } from "./release-changes.js";
import { noTelemetry, systemClock, systemTimer, type Clock, type Logger, type Telemetry, type Timer, type TimerHandle } from "./ports.js";
import type { Store } from "./store.js";

export interface BotDeps {
  store: Store;
  config: CoreConfig;
  clock?: Clock;
  timer?: Timer;
  log?: Logger;
  fetch?: typeof fetch;
  telemetry?: Telemetry;
  /** Set when several instances share the database (PostgreSQL): card leases and job wake-ups across them. */
  cluster?: Cluster;
}

const silent: Logger = { info() {}, warn() {}, error() {} };

/**
 * Wires the core's rooms: the door (every request in), the effect runner (what a
 * committed use case asked for), card sync (every copy of every card), and the job runner.
 */
export function createBot(deps: BotDeps): Bot {
  const { store, config } = deps;
  const clock = deps.clock ?? systemClock;
  const timer = deps.timer ?? systemTimer;
  const log = deps.log ?? silent;
  const telemetry = deps.telemetry ?? noTelemetry;
  const platforms = createPlatforms();

  const cluster = deps.cluster;
  const cards = createCardSync({ store, log, surfaces: platforms.live, waitingFor: platforms.waitingFor, telemetry, clock, timer, cluster, cardFor: (id) => readCard({ store, clock, config }, id) });
  const changes = createReleaseChanges({ onListenerError: (err) => log.error({ err: String(err) }, "a release-change listener failed"), cluster, timer });
  const effects = createEffectRunner({ cards, telemetry, wake: () => jobs.wake(), changes });
  const afterCommit = effects.afterCommit;
  const door = createDoor({ store, clock, config, log, telemetry, afterCommit });
  const jobs = createJobRunner({
    store,
    clock,
    timer,
    log,
    telemetry,
    webhooks: { fetch: deps.fetch ?? fetch, secret: config.webhookSecret, urls: { deploy: config.deployWebhookUrl, rollback: config.rollbackWebhookUrl } },
    ctxFor: (tx) => newCtx({ clock, config, log }, tx),
    afterCommit,
    cluster,
  });

  let pruning: TimerHandle | null = null;
  let started = false;

  /** Re-renders every live card from the stored state (a crash may have left one stale); only its copies on `platform` when given. */
  async function reconcileCards(platform?: string): Promise<void> {
    for (const r of await store.listReleases({ limit: 200 })) {
      if (r.state === "closed" || r.state === "cancelled") continue;
      if (platform) cards.refreshOn(r.id, platform);
      else cards.refresh(r.id);
    }
  }

  return {
    // Without an event id nothing is claimed, so there is always an answer.
    handle: async (event) => (await door.handle(event)) ?? failure("Nothing to answer."),
    handleOnce: (eventId, event) => door.handle(event, eventId),
    handleHook: (hook) => door.enter({ kind: "hook", hook }),
    overviewFor: (actor) => door.enter({ kind: "overview", actor }),
    servicesFor: (actor) => door.enter({ kind: "services", actor }),
    stats: (query) => door.enter({ kind: "stats", ...query }),
    webRead: (read) => door.enter(read),
    onReleaseChanged: (listener) => changes.subscribe(listener),
    createForm,
    attachSurface(surface, opts) {
      platforms.attach(surface, opts?.connected ?? true);
    },
    surfaceConnected(platform) {
      if (!platforms.connect(platform)) return;
      cards.connected();
      // Its copies missed every change while it was away: each live card is re-rendered there,
      // and only there (before start, start's own pass does it).
      if (started) void reconcileCards(platform).catch((err: unknown) => log.error({ err: String(err), platform }, "re-rendering the cards for a platform that connected failed; each card catches up on its next change"));
    },
    surfaceDisconnected(platform) {
      platforms.disconnect(platform);
    },
    async idle() {
      await jobs.idle();
      await cards.idle();
    },
    async start() {
      started = true;
      await reconcileCards();
      cards.start();
      await jobs.start();
      pruning ??= startPruning({ store, clock, timer, log });
    },
    async stop() {
      pruning?.cancel();
      pruning = null;
      await jobs.stop();
      await cards.stop();
      changes.stop();
    },
    runDueJobs: jobs.runDueJobs,
  };
}

import type { StatsReport } from "../domain/stats.js";
import type { Answers, WebRead } from "./dispatch.js";
import type { Actor } from "../domain/types.js";
import type { InboundEvent } from "./events.js";
import type { ChatSurface } from "./ports.js";
import type { CardView, FormView, Reply } from "./views.js";
import type { AlertReport, CheckReport, DeployReport, HookOutcome } from "./use-cases/hooks.js";

/** A verified inbound hook; `signature` identifies it so a replay changes nothing. */
export type HookEvent =
  | { kind: "deploy"; report: DeployReport; signature: string }
  | { kind: "alert"; report: AlertReport; signature: string }
  | { kind: "check"; report: CheckReport; signature: string };

/** The core as adapters see it: one door in, surfaces out. */
export interface Bot {
  /**
   * Handles one event. Validates, commits the change (state, audit, jobs) in one
   * transaction, and resolves with the private answer for the actor. Card updates and
   * notices run afterwards, coalesced. Never rejects: internal errors become an apology
   * reply with an error id.
   */
  handle(event: InboundEvent): Promise<Reply>;
  /**
   * `handle` for an event the platform may deliver twice (a Slack retry) or to every
   * instance (the Discord gateway): `eventId` (`slack:<trigger_id>`, `discord:<interaction
   * id>`) is claimed in the event's own transaction, and a delivery that finds it claimed
   * changes nothing and resolves null: the adapter answers nothing.
   */
  handleOnce(eventId: string, event: InboundEvent): Promise<Reply | null>;
  /** Applies a verified pipeline or monitoring hook (state, audit, effects), once per signature. */
  handleHook(hook: HookEvent): Promise<HookOutcome>;
  /** The empty create-release form, without a round trip through the door (a Slack trigger_id dies in 3 s). */
  createForm(): FormView;
  /**
   * Registers a platform so cards are posted and updated there. `connected: false`: its adapter
   * is still trying to connect (an outage at start-up); cards, edits and notices for it wait
   * until `surfaceConnected`.
   */
  attachSurface(surface: ChatSurface, opts?: { connected?: boolean }): void;
  /** The platform's adapter connected (or is back after a drop): the cards and notices that waited for it go out, and its copies of live cards are re-rendered. */
  surfaceConnected(platform: string): void;
  /** The platform's connection dropped after it connected: its cards, edits and notices wait for `surfaceConnected`. */
  surfaceDisconnected(platform: string): void;
  /** Cards for an App Home / overview: the releases this person manages or can vote on that are still live. */
  overviewFor(actor: Actor): Promise<CardView[]>;
  /** The services of the releases the person sees (as `/release list` does), most recently released first: Discord's service suggestions. */
  servicesFor(actor: Actor): Promise<string[]>;
  /** The delivery numbers (`GET /api/stats`, `/release stats`) of the last `days` days, over every environment unless `environment` names one. */
  stats(query: { service: string | null; days: number; environment?: string | null }): Promise<StatsReport>;
  /** A read for the web view (calendar, one release, numbers), through the door, for what `read.scope` may see. */
  webRead<R extends WebRead>(read: R): Promise<Answers[R["kind"]]>;
  /**
   * Calls `listener` with a release's id after each committed change to it (a vote, a state
   * change, a webhook result…), so a page showing it can refresh. Returns the unsubscribe.
   */
  onReleaseChanged(listener: (releaseId: string) => void): () => void;
  /** Resolves when every pending card update and notice has been sent (tests, shutdown). */
  idle(): Promise<void>;
  /** Reconciles cards and missed jobs, then starts the job runner. */
  start(): Promise<void>;
  /** Stops taking jobs and waits for in-flight work. */
  stop(): Promise<void>;
  /** Runs every job due now once (the runner calls this; tests call it with a fake clock). */
  runDueJobs(): Promise<number>;
}

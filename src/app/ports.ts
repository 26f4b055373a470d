import type { EditBudget } from "../domain/edit-budget.js";
import type { ChannelRef } from "../domain/types.js";
import type { CardView, NoticeView, ReplyPart } from "./views.js";

/** Where a copy of a card was posted, so every change can update every copy. */
export interface MessageRef {
  platform: string;
  channel: ChannelRef;
  /** Slack `ts`, Discord message id, terminal sequence number. */
  messageId: string;
}

/**
 * Thrown by an adapter's updateCard when the platform says the message no longer exists
 * (someone deleted the card in chat): the core stops updating that copy instead of retrying.
 */
export class MessageGone extends Error {
  constructor(detail: string) {
    super(`the card message no longer exists: ${detail}`);
    this.name = "MessageGone";
  }
}

/**
 * Thrown by an adapter's postCard when the platform says the bot may not post in that channel
 * (Slack `not_in_channel`, `channel_not_found`: a private channel it was not invited to; `is_archived`;
 * Discord Missing Access, Missing Permissions, Unknown Channel): retrying cannot help until
 * someone lets the bot in, so the core tells the release's manager instead.
 */
export class ChannelClosedToBot extends Error {
  /** `archived`: the channel was archived (Slack `is_archived`): it takes posts again once unarchived, and letting the bot in does not help. */
  constructor(
    detail: string,
    readonly archived = false,
  ) {
    super(`the bot may not post in that channel: ${detail}`);
    this.name = "ChannelClosedToBot";
  }
}

/**
 * What the core needs from a chat platform. An adapter implements it; the core calls
 * it after a change has been committed. Methods may throw; the core logs and retries
 * card updates, and never loses the stored state.
 */
export interface ChatSurface {
  platform: string;
  /** Smallest gap between two edits of one message (Slack ~1000 ms, Discord 1000 ms). */
  minUpdateIntervalMs: number;
  /**
   * How many edits of all its cards one workspace or server may take (Slack's chat.update:
   * Tier 3), shared by every card there; none when the platform's own client paces them.
   */
  editBudget?: EditBudget;
  /**
   * The platform shows the time left to T-0 on its own (Discord's `<t:…:R>`), so the card as
   * rendered there does not change as time passes, and a countdown step does not edit it.
   */
  countsDownItself?: boolean;
  /** Throws ChannelClosedToBot when the bot may not post in the channel. */
  postCard(channel: ChannelRef, card: CardView): Promise<{ messageId: string }>;
  /** Throws MessageGone when the message was deleted. */
  updateCard(ref: MessageRef, card: CardView): Promise<void>;
  /** A reply under the card (thread or reply), for reminders and notices. */
  postNotice(ref: MessageRef, notice: NoticeView): Promise<void>;
  /** A notice as a message of its own in a channel (`notice.channel`), not under any card: a hand-set lock's reminder. */
  /** Throws ChannelClosedToBot when the bot may not post in the channel. */
  postInChannel(channel: ChannelRef, notice: NoticeView): Promise<void>;
  /**
   * A message to one person of this platform (a platform-qualified id), that only they see:
   * a direct message from the bot. The terminal, where whoever runs it sees everything, prints it saying whom it is for.
   */
  tellPrivately?(person: string, line: ReplyPart[]): Promise<void>;
}

/**
 * Thrown by an adapter's start when the platform cannot be reached or is failing for now
 * (connection refused or reset, a timeout, a 5xx or 429, no gateway READY in time): trying
 * again later can help, so gonogo starts without that platform and keeps trying. Anything
 * else an adapter's start throws is a setting a person must fix, and start-up fails.
 */
export class PlatformUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "PlatformUnavailable";
  }
}

/** What an adapter's start gives back once the platform is connected. */
export interface StartedPlatform {
  /** Whether it is connected now (a gateway reconnecting after a drop is not); connected when absent. */
  connected?(): boolean;
  /**
   * Calls `listener` each time the connection drops (false) or is back (true) after start: a
   * platform on a connection of its own (Slack's Socket Mode, Discord's gateway), which its
   * client or `reconnect` brings back. Absent where nothing can drop (events over gonogo's HTTP server).
   */
  onConnectionChange?(listener: (connected: boolean) => void): void;
  /**
   * One try at connecting again after a drop, for a platform whose client does not reconnect by
   * itself (Slack's Socket Mode): gonogo tries until it succeeds. Throws PlatformUnavailable when a
   * later try may succeed. Absent where the client reconnects by itself (discord.js resumes).
   */
  reconnect?: (signal: AbortSignal) => Promise<void>;
  /** Disconnects, after letting the card edits and notices under way go out (bounded). */
  stop(): Promise<void>;
  /** A part of starting that the platform could not be reached for (it runs without it meanwhile): tried again in the background. */
  unfinished?: UnfinishedStep;
}

/** A step of an adapter's start that failed because the platform could not be reached, such as registering Discord's commands. */
export interface UnfinishedStep {
  /** Why it failed: a later try may succeed. */
  failure: PlatformUnavailable;
  /** What failed, as the log says it after the platform's name: "could not register /release". */
  failed: string;
  /** What works meanwhile, and what to check. */
  meanwhile: string;
  /** What is done once a later try succeeds: "/release registered". */
  done: string;
  /** What to do about a setting the platform refuses on a later try (the error says which); no more tries follow. */
  whenRefused: string;
  /** One more try: throws PlatformUnavailable while the platform cannot be reached, anything else (saying what to fix) when it refuses. */
  retry(signal: AbortSignal): Promise<void>;
}

/** A clock the core reads instead of Date.now(), so tests can move time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A cancellable wait. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * How the core waits: card-update spacing, retry back-off, the job runner's next-job
 * timer and its safety tick. Injected beside the Clock, so a test moves a fake clock
 * and the waits end, instead of sleeping.
 */
export interface Timer {
  /** Calls `fn` once, `ms` from now. */
  after(ms: number, fn: () => void): TimerHandle;
  /** Calls `fn` every `ms` until cancelled: the safety net beside `after` for lost timers (clock jumps, sleep). */
  every(ms: number, fn: () => void): TimerHandle;
}

/** Node's timers. `after` caps the wait at setTimeout's 24.8-day limit; the caller re-arms. */
export const systemTimer: Timer = {
  after(ms, fn) {
    const t = setTimeout(fn, Math.min(Math.max(ms, 0), 2 ** 31 - 1));
    return { cancel: () => clearTimeout(t) };
  },
  every(ms, fn) {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  },
};

/** Resolves after `ms` on the given timer. */
export function sleep(timer: Timer, ms: number): Promise<void> {
  return new Promise<void>((resolve) => timer.after(ms, resolve));
}

/**
 * Resolves once `clock` reads `at` or later. Node counts a timer from the event loop's
 * cached time, which lags the clock by the work done since the turn began, so one wait
 * may end a few ms early: the clock is read again after each wait.
 */
export async function sleepUntil(deps: { clock: Clock; timer: Timer }, at: number): Promise<void> {
  for (let left = at - deps.clock.now(); left > 0; left = at - deps.clock.now()) await sleep(deps.timer, left);
}

/**
 * Resolves after the event loop has handled what is already queued (I/O and answers in
 * flight): work that may wait a moment, such as a card edit, lets a press's answer go first.
 */
const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Turns one after another, a loop turn apart. Work that runs long without yielding (reading
 * a card from SQLite and rendering it, all in one stretch) waits for its turn, so cards due
 * at the same moment are built one per loop turn and a press that arrives meanwhile is
 * answered between two of them, not after all of them.
 */
export function createTurns(): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return () => (last = last.then(nextTurn));
}

/** Structured log the core writes to; secrets never go in. */
export interface Logger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/**
 * An error as text for the log, without tokens: its name and message, and what caused it (a
 * database driver's error says why under the ORM's "Failed query: …", which says only what).
 */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (cause: ${err.cause.name}: ${err.cause.message})` : "";
  return `${err.name}: ${err.message}${cause}`;
}

/** Numbers operators watch (Prometheus in production); the core reports, it never formats. */
export interface Telemetry {
  /** One event through the door: how long it took and how it ended. */
  interaction(kind: string, platform: string, seconds: number, outcome: "ok" | "user_error" | "internal_error"): void;
  voteCast(platform: string): void;
  /** A decision acted on: T-0 GO / hold / cancel, or a manual ship. */
  decision(outcome: "go" | "hold" | "cancel"): void;
  rollback(): void;
  webhook(kind: string, outcome: "delivered" | "retry" | "failed"): void;
  cardUpdate(platform: string, outcome: "ok" | "error"): void;
  rateLimitWait(platform: string, seconds: number): void;
  /** How late a job ran: now − due. */
  jobLag(kind: string, seconds: number): void;
}

export const noTelemetry: Telemetry = {
  interaction() {},
  voteCast() {},
  decision() {},
  rollback() {},
  webhook() {},
  cardUpdate() {},
  rateLimitWait() {},
  jobLag() {},
};

import { randomUUID } from "node:crypto";
import { FormErrors, isUserError } from "../domain/errors.js";
import { isReadAfterCommit, type ReadAfterCommit } from "./after-commit.js";
import { audit, PermissionDenied, type CoreConfig, type Ctx } from "./context.js";
import { dispatch, type Answers, type Request } from "./dispatch.js";
import { HookRefused } from "./hook-receipts.js";
import { recordDurableEffects } from "./durable-effects.js";
import type { Clock, Logger, Telemetry } from "./ports.js";
import { failure, refusalReply } from "./replies.js";
import { EventClaimedBefore, type Store } from "./store.js";
import type { InboundEvent } from "./events.js";
import type { Reply } from "./views.js";

export interface DoorDeps {
  store: Store;
  clock: Clock;
  config: CoreConfig;
  log: Logger;
  telemetry: Telemetry;
  /** Runs a committed use case's effects (the effect runner). */
  afterCommit: (ctx: Ctx) => void;
}

/** An error that is ours, not the user's: logged with an id the user can quote. */
class InternalFailure extends Error {
  constructor(readonly errorId: string) {
    super(`internal error ${errorId}`);
    this.name = "InternalFailure";
  }
}

/** A refused event whose id another delivery claimed first: that one answers, this one stays silent. */
class DuplicateEvent extends Error {
  constructor() {
    super("event already claimed");
    this.name = "DuplicateEvent";
  }
}

/** Our own failure, in the words the user gets, with the id the log has it under. */
function sorry(errorId: string): string {
  return `Sorry, something went wrong on our side (error id ${errorId}). Nothing was changed; please try again, and give your admin the id if it keeps happening.`;
}

/** The use-case context on an open transaction. */
export function newCtx(deps: Pick<DoorDeps, "clock" | "config" | "log">, tx: Store): Ctx {
  return { store: tx, clock: deps.clock, config: deps.config, log: deps.log, effects: [], audited: [] };
}

/** How a request is labelled in telemetry and logs: its kind and the platform it came from. */
function labelOf(request: Request): { kind: string; platform: string; actor: string | null } {
  switch (request.kind) {
    case "event":
      return { kind: request.event.kind, platform: request.event.channel.platform, actor: request.event.actor.id };
    case "hook":
      return { kind: `hook_${request.hook.kind}`, platform: "hook", actor: null };
    case "overview":
    case "services":
      return { kind: request.kind, platform: request.actor.person.platform, actor: request.actor.id };
    case "stats":
      return { kind: "stats", platform: "api", actor: null };
    case "web_calendar":
    case "web_release":
    case "web_numbers":
    case "web_owned":
      return { kind: request.kind, platform: "web", actor: null };
  }
}

/**
 * The one door into the core. Every request — a chat event, a verified hook, a read for
 * the App Home or the stats API — runs its use case in one transaction, is committed,
 * then its effects run (commit-then-ack). A refusal of permission is itself audited.
 */
export function createDoor(deps: DoorDeps) {
  const { store, log, telemetry, afterCommit } = deps;

  async function enter<R extends Request>(request: R): Promise<Answers[R["kind"]]> {
    const started = performance.now();
    const label = labelOf(request);
    const observe = (outcome: "ok" | "user_error" | "internal_error") => telemetry.interaction(label.kind, label.platform, (performance.now() - started) / 1000, outcome);
    let ctx: Ctx | undefined;
    try {
      // One claim in the event's own transaction: it commits with the effect, or neither does.
      const claim = request.kind === "event" && request.eventId !== undefined ? { id: request.eventId, at: deps.clock.now() } : undefined;
      const answer = await store.transaction(async (tx) => {
        const answer = await dispatch((ctx = newCtx(deps, tx)), request);
        await recordDurableEffects(ctx);
        return answer;
      }, claim);
      afterCommit(ctx!);
      if (isReadAfterCommit(answer)) {
        if (request.kind === "event") return (await readAfterwards(answer as ReadAfterCommit, label, observe)) as Answers[R["kind"]];
        // Any other read's refusal or failure is handled below, as one inside the transaction is.
        const read = await store.readSnapshot<Answers[R["kind"]]>(answer.readAfterCommit);
        observe("ok");
        return read;
      }
      observe("ok");
      return answer;
    } catch (err) {
      if (err instanceof EventClaimedBefore) return null as Answers[R["kind"]];
      if (err instanceof HookRefused) {
        observe("user_error");
        return err.outcome as Answers[R["kind"]];
      }
      if (isUserError(err)) {
        observe("user_error");
        if (request.kind === "event" && (request.eventId !== undefined || err instanceof PermissionDenied)) {
          const { actor, channel } = request.event;
          const eventId = request.eventId;
          // The refusal rolled the claim back with everything else; claim the event again so
          // only one delivery answers it, and audit a refused permission once, by the claimant.
          const claimant = await store.transaction(async (tx) => {
            if (eventId !== undefined && !(await tx.claimEvent(eventId, deps.clock.now()))) return false;
            if (err instanceof PermissionDenied) await audit(newCtx(deps, tx), actor, channel.platform, err.releaseId, { type: "permission_refused", data: { action: err.action, ...(err.refused ? { refused: err.refused } : {}) } });
            return true;
          });
          if (!claimant) throw new DuplicateEvent();
        }
        throw err;
      }
      observe("internal_error");
      const errorId = randomUUID().slice(0, 8);
      log.error({ errorId, err: err instanceof Error ? err.stack : String(err), kind: label.kind, actor: label.actor }, "internal error handling a request");
      throw new InternalFailure(errorId);
    }
  }

  /**
   * The chat answer a committed use case reads from a snapshot (after-commit.ts), beside the writer.
   * The event is claimed and the transaction committed by now, so a refusal or a failure here
   * is the answer itself: nothing to undo, no claim to make again.
   */
  async function readAfterwards(later: ReadAfterCommit, label: ReturnType<typeof labelOf>, observe: (outcome: "ok" | "user_error" | "internal_error") => void): Promise<Reply> {
    try {
      const reply = await store.readSnapshot(later.readAfterCommit);
      observe("ok");
      return reply;
    } catch (err) {
      if (isUserError(err)) {
        observe("user_error");
        return refusalReply(err);
      }
      observe("internal_error");
      const errorId = randomUUID().slice(0, 8);
      log.error({ errorId, err: err instanceof Error ? err.stack : String(err), kind: label.kind, actor: label.actor }, "internal error reading an answer after its commit");
      return failure(sorry(errorId));
    }
  }

  /** After our own failure: whether this delivery may answer (it claims the event now), or another one did. */
  async function claimAfterFailure(eventId: string | undefined): Promise<boolean> {
    if (eventId === undefined) return true;
    try {
      return await store.transaction((tx) => tx.claimEvent(eventId, deps.clock.now()));
    } catch {
      return true; // the database is failing too: apologise rather than stay silent
    }
  }

  /**
   * A chat event: never rejects; a refusal or our own failure becomes the private answer.
   * With an `eventId`, null when that id was claimed before: another delivery answers it.
   */
  async function handle(event: InboundEvent, eventId?: string): Promise<Reply | null> {
    try {
      return await enter({ kind: "event", event, ...(eventId !== undefined ? { eventId } : {}) });
    } catch (err) {
      if (err instanceof DuplicateEvent) return null;
      if (isUserError(err)) {
        if (event.kind === "form" && err instanceof FormErrors) return { type: "form_errors", errors: { ...err.errors }, text: err.message };
        if (event.kind === "form" && err.field) {
          const beside = err.fieldMessage ?? err.message;
          return { type: "form_errors", errors: { [err.field]: beside }, text: beside };
        }
        return refusalReply(err);
      }
      if (!(await claimAfterFailure(eventId))) return null;
      const errorId = err instanceof InternalFailure ? err.errorId : "unknown";
      return failure(sorry(errorId));
    }
  }

  return { enter, handle };
}

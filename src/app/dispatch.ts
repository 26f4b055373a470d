import type { ReadAfterCommit } from "./after-commit.js";
import type { HookEvent } from "./bot-api.js";
import { handleEvent } from "./chat-events.js";
import type { Ctx } from "./context.js";
import type { InboundEvent } from "./events.js";
import { applyHook } from "./hook-receipts.js";
import type { CardView, Reply } from "./views.js";
import type { HookOutcome } from "./use-cases/hooks.js";
import { overview, servicesSeen } from "./use-cases/queries.js";
import { statsReport } from "./use-cases/stats.js";
import { webCalendar, webOwned, webRelease } from "./use-cases/web.js";
import { webNumbers } from "./use-cases/web-numbers.js";
import type { Actor } from "../domain/types.js";
import type { StatsReport } from "../domain/stats.js";
import type { WebScope } from "./web-link.js";
import type { WebCalendar, WebNumbers, WebReleaseView } from "./web-views.js";

/** The web view's reads (src/web), each for what one signed-in viewer may see. */
export type WebRead =
  | { kind: "web_calendar"; scope: WebScope; zone: string | null; channel: string | null }
  | { kind: "web_release"; scope: WebScope; id: string }
  /** `checkAudit`: walk the whole audit chain (seconds on a big trail), or leave `audit` null for a check the caller kept. */
  | { kind: "web_numbers"; scope: WebScope; service: string | null; days: number; checkAudit: boolean; environment?: string | null }
  | { kind: "web_owned"; scope: WebScope; ids: string[] };

/** Everything that comes into the core: a chat event, a verified hook, or a read for the App Home, the stats API or the web view. */
export type Request =
  /** `eventId`: the platform's id for a delivery that may come twice or reach several instances (Bot.handleOnce). */
  | { kind: "event"; event: InboundEvent; eventId?: string }
  | { kind: "hook"; hook: HookEvent }
  | { kind: "overview"; actor: Actor }
  | { kind: "services"; actor: Actor }
  | { kind: "stats"; service: string | null; days: number; environment?: string | null }
  | WebRead;

/** What each kind of request answers. */
export interface Answers {
  /** null: the event id was claimed before, so another delivery answers it (the door's doing). */
  event: Reply | null;
  hook: HookOutcome;
  overview: CardView[];
  /** Service names, most recently released first. */
  services: string[];
  stats: StatsReport;
  web_calendar: WebCalendar;
  /** Null when the scope owns no release of that id. */
  web_release: WebReleaseView | null;
  web_numbers: WebNumbers;
  /** Which of the asked releases the scope owns (a live page shows only those changes). */
  web_owned: string[];
}

/** Routes one request to its use case. Runs inside the door's transaction; an answer may be read after it commits (a chat reply, the numbers page). */
export async function dispatch<R extends Request>(ctx: Ctx, request: R): Promise<Answers[R["kind"]] | ReadAfterCommit<Answers[R["kind"]]>> {
  return (await route(ctx, request)) as Answers[R["kind"]] | ReadAfterCommit<Answers[R["kind"]]>;
}

async function route(ctx: Ctx, request: Request): Promise<Answers[keyof Answers] | ReadAfterCommit<Answers[keyof Answers]>> {
  switch (request.kind) {
    case "event":
      // Its event id, if any, was claimed by the door's transaction before this runs.
      return handleEvent(ctx, request.event);
    case "hook":
      return applyHook(ctx, request.hook);
    case "overview":
      return overview(ctx, request.actor);
    case "services":
      return servicesSeen(ctx, request.actor);
    case "stats":
      return statsReport(ctx, request.service, request.days, { environment: request.environment ?? null });
    case "web_calendar":
      return webCalendar(ctx, request.scope, request.zone, request.channel);
    case "web_release":
      return webRelease(ctx, request.scope, request.id);
    case "web_numbers":
      return webNumbers(ctx, request.scope, { service: request.service, environment: request.environment ?? null, days: request.days }, request.checkAudit);
    case "web_owned":
      return webOwned(ctx, request.scope, request.ids);
  }
}

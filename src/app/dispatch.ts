import { createHash } from "node:crypto";
import { UserError } from "../domain/errors.js";
import { checkEnvironment, checkService, checkVersion } from "../domain/command-fields.js";
import { parseCommand } from "../domain/grammar.js";
import { cleanReason } from "../domain/limits.js";
import { acceptsVotes, STATE_LABELS } from "../domain/release.js";
import type { InboundEvent } from "./events.js";
import { getReleaseOrThrow, policyFor, requirePermission, type Ctx } from "./context.js";
import { checkFormFields, createForm, field, noGoForm, rollbackForm } from "./forms.js";
import type { Reply } from "./views.js";
import { createRelease } from "./use-cases/create.js";
import { castVote, retractVote } from "./use-cases/vote.js";
import { cancelCommand, holdCommand, scheduleRelease, shipCommand, shippedCommand, updateRelease } from "./use-cases/lifecycle.js";
import { checkRollback, recovered, rollback } from "./use-cases/rollback.js";
import { startRetro, submitRetro } from "./use-cases/retro.js";
import { grantRole, listRoles, revokeRole, setPolicy, showPolicy } from "./use-cases/admin.js";
import { help, list, overview, share, status } from "./use-cases/queries.js";
import { auditExport, auditTimeline, auditVerify } from "./use-cases/audit.js";
import { statsReply, statsReport } from "./use-cases/stats.js";
import { checkCriterion, openCheckForm, setCriteria, showCriteria, submitCheckForm } from "./use-cases/criteria.js";
import { applyAlert, applyCheckReport, applyDeployReport, type HookOutcome } from "./use-cases/hooks.js";
import type { HookEvent } from "./bot-api.js";
import { addFreeze, listFreezes, removeFreeze } from "./use-cases/freeze.js";
import { listLocks, lockCommand, unlockCommand } from "./use-cases/deploy-lock.js";
import type { CardView } from "./views.js";
import type { Actor } from "../domain/types.js";
import type { StatsReport } from "../domain/stats.js";
import type { WebScope } from "./web-link.js";
import type { WebCalendar, WebNumbers, WebReleaseView } from "./web-views.js";
import { webCalendar, webLink, webNumbers, webOwned, webRelease } from "./use-cases/web.js";

/** The web view's reads (src/web), each for what one signed-in viewer may see. */
export type WebRead =
  | { kind: "web_calendar"; scope: WebScope; zone: string | null; channel: string | null }
  | { kind: "web_release"; scope: WebScope; id: string }
  | { kind: "web_numbers"; scope: WebScope; service: string | null; days: number }
  | { kind: "web_owned"; scope: WebScope; ids: string[] };

/** Everything that comes into the core: a chat event, a verified hook, or a read for the App Home, the stats API or the web view. */
export type Request =
  /** `eventId`: the platform's id for a delivery that may come twice or reach several instances (Bot.handleOnce). */
  | { kind: "event"; event: InboundEvent; eventId?: string }
  | { kind: "hook"; hook: HookEvent }
  | { kind: "overview"; actor: Actor }
  | { kind: "stats"; service: string | null; days: number }
  | WebRead;

/** What each kind of request answers. */
export interface Answers {
  /** null: the event id was claimed before, so another delivery answers it (the door's doing). */
  event: Reply | null;
  hook: HookOutcome;
  overview: CardView[];
  stats: StatsReport;
  web_calendar: WebCalendar;
  /** Null when the scope owns no release of that id. */
  web_release: WebReleaseView | null;
  web_numbers: WebNumbers;
  /** Which of the asked releases the scope owns (a live page shows only those changes). */
  web_owned: string[];
}

/** Routes one request to its use case. Runs inside the door's transaction. */
export async function dispatch<R extends Request>(ctx: Ctx, request: R): Promise<Answers[R["kind"]]> {
  return (await route(ctx, request)) as Answers[R["kind"]];
}

async function route(ctx: Ctx, request: Request): Promise<Answers[keyof Answers]> {
  switch (request.kind) {
    case "event":
      // Its event id, if any, was claimed by the door's transaction before this runs.
      return handleEvent(ctx, request.event);
    case "hook":
      return applyHook(ctx, request.hook);
    case "overview":
      return overview(ctx, request.actor);
    case "stats":
      return statsReport(ctx, request.service, request.days);
    case "web_calendar":
      return webCalendar(ctx, request.scope, request.zone, request.channel);
    case "web_release":
      return webRelease(ctx, request.scope, request.id);
    case "web_numbers":
      return webNumbers(ctx, request.scope, request.service, request.days);
    case "web_owned":
      return webOwned(ctx, request.scope, request.ids);
  }
}

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
async function applyHook(ctx: Ctx, hook: HookEvent): Promise<HookOutcome> {
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

async function handleEvent(ctx: Ctx, event: InboundEvent): Promise<Reply> {
  const { actor, channel } = event;
  const platform = channel.platform;
  switch (event.kind) {
    case "command": {
      const cmd = "command" in event ? event.command : parseCommand(event.text);
      switch (cmd.name) {
        case "help":
          return help(platform);
        case "create":
          return await createRelease(ctx, actor, channel, cmd);
        case "vote":
          return await castVote(ctx, actor, platform, cmd.id, cmd.choice, cmd.reason);
        case "retract":
          return await retractVote(ctx, actor, platform, cmd.id);
        case "status":
          return await status(ctx, channel, cmd.id);
        case "list":
          return await list(ctx);
        case "share":
          return await share(ctx, channel, cmd.id);
        case "schedule":
          return await scheduleRelease(ctx, actor, platform, cmd.id, cmd.when);
        case "update":
          return await updateRelease(ctx, actor, platform, cmd.id, cmd.field, cmd.value);
        case "ship":
          return await shipCommand(ctx, actor, platform, cmd.id, cmd.override);
        case "shipped":
          return await shippedCommand(ctx, actor, platform, cmd.id);
        case "hold":
          return await holdCommand(ctx, actor, platform, cmd.id, cmd.reason);
        case "cancel":
          return await cancelCommand(ctx, actor, platform, cmd.id, cmd.reason);
        case "rollback":
          return await rollback(ctx, actor, platform, cmd.id, cmd.reason);
        case "recovered":
          return await recovered(ctx, actor, platform, cmd.id);
        case "retro":
          return await startRetro(ctx, actor, platform, cmd.id);
        case "policy":
          return cmd.changes === null ? await showPolicy(ctx, channel) : await setPolicy(ctx, actor, channel, cmd.changes);
        case "audit":
          if (cmd.op === "timeline") return await auditTimeline(ctx, channel, cmd.id);
          return cmd.op === "export" ? await auditExport(ctx, actor, channel, cmd.from, cmd.to) : await auditVerify(ctx, actor);
        case "stats":
          return await statsReply(ctx, cmd.service, cmd.days);
        case "freeze":
          if (cmd.op === "list") return await listFreezes(ctx, channel);
          return cmd.op === "add" ? await addFreeze(ctx, actor, channel, cmd.spec, cmd.reason) : await removeFreeze(ctx, actor, channel, cmd.freezeId);
        case "lock":
          return await lockCommand(ctx, actor, platform, cmd.service, cmd.environment, cmd.reason);
        case "unlock":
          return await unlockCommand(ctx, actor, platform, cmd.service, cmd.environment, cmd.reason);
        case "locks":
          return await listLocks(ctx);
        case "criteria":
          return cmd.spec === null ? await showCriteria(ctx, channel) : await setCriteria(ctx, actor, channel, cmd.spec);
        case "check":
          return await checkCriterion(ctx, actor, platform, cmd.id, cmd.criterion, { status: cmd.status, note: cmd.note, override: cmd.override });
        case "role":
          if (cmd.op === "list") return await listRoles(ctx);
          return cmd.op === "grant" ? await grantRole(ctx, actor, platform, cmd.subject, cmd.role) : await revokeRole(ctx, actor, platform, cmd.subject, cmd.role);
        case "web":
          return webLink(ctx, actor, channel);
      }
      break;
    }
    case "button":
      return await pressButton(ctx, event);
    case "form":
      return await submitForm(ctx, event);
  }
  throw new UserError("unknown_event", "I did not understand that. `/release help` lists what I can do.");
}

/** Buttons are checked like commands: who pressed, and whether the release is still in a state where it makes sense. */
async function pressButton(ctx: Ctx, event: Extract<InboundEvent, { kind: "button" }>): Promise<Reply> {
  const { actor, releaseId } = event;
  const platform = event.channel.platform;
  switch (event.action) {
    case "go":
    case "abstain":
      return await castVote(ctx, actor, platform, releaseId, event.action, null);
    case "no_go": {
      const release = await getReleaseOrThrow(ctx, releaseId);
      await requirePermission(ctx, actor, "vote", release);
      if (!acceptsVotes(release.state)) throw new UserError("votes_closed", `${release.id} is ${STATE_LABELS[release.state].toLowerCase()}; voting is closed.`);
      return { type: "form", form: noGoForm(release, (await policyFor(ctx, release.channel.key)).noGoReason === "required") };
    }
    case "rollback": {
      const release = await checkRollback(ctx, actor, releaseId);
      if (release.state === "rolling_back" || release.state === "rolled_back") return await rollback(ctx, actor, platform, releaseId, null);
      return { type: "form", form: rollbackForm(release, Boolean(ctx.config.rollbackWebhookUrl)) };
    }
    case "retro":
      return await startRetro(ctx, actor, platform, releaseId);
    case "check":
      return await openCheckForm(ctx, actor, releaseId, event.option);
  }
}

async function submitForm(ctx: Ctx, event: Extract<InboundEvent, { kind: "form" }>): Promise<Reply> {
  const { actor, values } = event;
  const platform = event.channel.platform;
  const needId = () => {
    if (!event.releaseId) throw new UserError("form_release", "This form lost track of its release; press the button on the card again.");
    return event.releaseId;
  };
  checkFormFields(event.form, values);
  switch (event.form) {
    case "create": {
      const form = createForm();
      const service = checkService(field(values, form, "service"), "service");
      const version = checkVersion(field(values, form, "version"), "version");
      const environmentTyped = field(values, form, "environment") || null;
      const environment = environmentTyped && checkEnvironment(environmentTyped, "environment");
      const when = field(values, form, "when") || null;
      return await createRelease(ctx, actor, event.channel, { service, version, environment, when, manager: null, description: field(values, form, "description") || null });
    }
    case "no_go":
      return await castVote(ctx, actor, platform, needId(), "no_go", values.reason ?? null);
    case "rollback":
      return rollback(ctx, actor, platform, needId(), cleanReason("rollbackReason", values.reason));
    case "retro":
      return await submitRetro(ctx, actor, platform, needId(), values);
    case "check":
      return await submitCheckForm(ctx, actor, platform, needId(), event.tag, values);
  }
}

import { UserError } from "../domain/errors.js";
import { checkEnvironment, checkService, checkVersion, parseCommand } from "../domain/grammar.js";
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
import { help, list, share, status, type CardFor } from "./use-cases/queries.js";
import { auditExport, auditTimeline, auditVerify } from "./use-cases/audit.js";
import { statsReply } from "./use-cases/stats.js";

/** Routes one event to its use case. Runs inside the door's transaction. */
export function dispatch(ctx: Ctx, cardFor: CardFor, event: InboundEvent): Reply {
  const { actor, channel } = event;
  const platform = channel.platform;
  switch (event.kind) {
    case "command": {
      const cmd = parseCommand(event.text);
      switch (cmd.name) {
        case "help":
          return help();
        case "create":
          return createRelease(ctx, actor, channel, cmd);
        case "vote":
          return castVote(ctx, actor, platform, cmd.id, cmd.choice, cmd.reason);
        case "retract":
          return retractVote(ctx, actor, platform, cmd.id);
        case "status":
          return status(ctx, cardFor, channel, cmd.id);
        case "list":
          return list(ctx);
        case "share":
          return share(ctx, channel, cmd.id);
        case "schedule":
          return scheduleRelease(ctx, actor, platform, cmd.id, cmd.when);
        case "update":
          return updateRelease(ctx, actor, platform, cmd.id, cmd.field, cmd.value);
        case "ship":
          return shipCommand(ctx, actor, platform, cmd.id);
        case "shipped":
          return shippedCommand(ctx, actor, platform, cmd.id);
        case "hold":
          return holdCommand(ctx, actor, platform, cmd.id, cmd.reason);
        case "cancel":
          return cancelCommand(ctx, actor, platform, cmd.id, cmd.reason);
        case "rollback":
          return rollback(ctx, actor, platform, cmd.id, cmd.reason);
        case "recovered":
          return recovered(ctx, actor, platform, cmd.id);
        case "retro":
          return startRetro(ctx, actor, platform, cmd.id);
        case "policy":
          return cmd.changes === null ? showPolicy(ctx, channel) : setPolicy(ctx, actor, channel, cmd.changes);
        case "audit":
          if (cmd.op === "timeline") return auditTimeline(ctx, channel, cmd.id);
          return cmd.op === "export" ? auditExport(ctx, actor, channel, cmd.from, cmd.to) : auditVerify(ctx, actor);
        case "stats":
          return statsReply(ctx, cmd.service, cmd.days);
        case "role":
          if (cmd.op === "list") return listRoles(ctx);
          return cmd.op === "grant" ? grantRole(ctx, actor, platform, cmd.subject, cmd.role) : revokeRole(ctx, actor, platform, cmd.subject, cmd.role);
      }
      break;
    }
    case "button":
      return pressButton(ctx, event);
    case "form":
      return submitForm(ctx, event);
  }
  throw new UserError("unknown_event", "I did not understand that. `/release help` lists what I can do.");
}

/** Buttons are checked like commands: who pressed, and whether the release is still in a state where it makes sense. */
function pressButton(ctx: Ctx, event: Extract<InboundEvent, { kind: "button" }>): Reply {
  const { actor, releaseId } = event;
  const platform = event.channel.platform;
  switch (event.action) {
    case "go":
    case "abstain":
      return castVote(ctx, actor, platform, releaseId, event.action, null);
    case "no_go": {
      const release = getReleaseOrThrow(ctx, releaseId);
      requirePermission(ctx, actor, "vote", release);
      if (!acceptsVotes(release.state)) throw new UserError("votes_closed", `${release.id} is ${STATE_LABELS[release.state].toLowerCase()}; voting is closed.`);
      return { type: "form", form: noGoForm(release, policyFor(ctx, release.channel.key).noGoReason === "required") };
    }
    case "rollback": {
      const release = checkRollback(ctx, actor, releaseId);
      if (release.state === "rolling_back" || release.state === "rolled_back") return rollback(ctx, actor, platform, releaseId, null);
      return { type: "form", form: rollbackForm(release, Boolean(ctx.config.rollbackWebhookUrl)) };
    }
    case "retro":
      return startRetro(ctx, actor, platform, releaseId);
  }
}

function submitForm(ctx: Ctx, event: Extract<InboundEvent, { kind: "form" }>): Reply {
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
      const environment = field(values, form, "environment") || null;
      if (environment) checkEnvironment(environment, "environment");
      const when = field(values, form, "when") || null;
      return createRelease(ctx, actor, event.channel, { service, version, environment, when, manager: null, description: field(values, form, "description") || null });
    }
    case "no_go":
      return castVote(ctx, actor, platform, needId(), "no_go", values.reason ?? null);
    case "rollback":
      return rollback(ctx, actor, platform, needId(), cleanReason("rollbackReason", values.reason));
    case "retro":
      return submitRetro(ctx, actor, platform, needId(), values);
  }
}

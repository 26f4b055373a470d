import { FormErrors, UserError } from "../domain/errors.js";
import { checkEnvironment, checkService, checkVersion } from "../domain/command-fields.js";
import { parseCommand } from "../domain/grammar.js";
import { parseWhen } from "../domain/time.js";
import { cleanReason, cutText } from "../domain/limits.js";
import { requireVoting } from "../domain/votes.js";
import type { ReadAfterCommit } from "./after-commit.js";
import type { InboundEvent } from "./events.js";
import { getReleaseOrThrow, policyFor, requirePermission, type Ctx } from "./context.js";
import { checkFormFields, createForm, field, noGoForm, requireSameContent, resendRollbackForm, rollbackForm } from "./forms.js";
import type { Reply } from "./views.js";
import { createRelease, withField } from "./use-cases/create.js";
import { castVote, retractVote, voteOfPerson } from "./use-cases/vote.js";
import { cancelCommand, holdCommand, scheduleRelease, shipCommand, shippedCommand, updateRelease } from "./use-cases/lifecycle.js";
import { checkRollback, recovered, rollback, rollbackTargetOf, rollbackToResend } from "./use-cases/rollback.js";
import { startRetro, submitRetro } from "./use-cases/retro.js";
import { exportRetro, showRetro } from "./use-cases/retro-show.js";
import { grantRole, listRoles, revokeRole, setPolicy, showPolicy } from "./use-cases/admin.js";
import { help, list, share, status } from "./use-cases/queries.js";
import { auditTimeline, auditVerify } from "./use-cases/audit.js";
import { auditExport } from "./use-cases/audit-export.js";
import { statsReply } from "./use-cases/stats.js";
import { checkCriterion, openCheckForm, setCriteria, showCriteria, submitCheckForm } from "./use-cases/criteria.js";
import { addFreeze, listFreezes, removeFreeze } from "./use-cases/freeze.js";
import { listLocks, lockCommand, unlockCommand } from "./use-cases/deploy-lock.js";
import { webLink } from "./use-cases/web.js";
import { startLink, unlink, useLinkCode } from "./use-cases/identity-links.js";

/** The event with its actor's linked accounts (`/release link`) filled in: their votes are one person's. */
async function withLinkedAccounts(ctx: Ctx, event: InboundEvent): Promise<InboundEvent> {
  const linked = await ctx.store.linkedAccounts(event.actor.id);
  return linked.length ? { ...event, actor: { ...event.actor, linked: linked.map((a) => a.account) } } : event;
}

/** A chat event (command, button press or form) routed to its use case. */
export async function handleEvent(ctx: Ctx, inbound: InboundEvent): Promise<Reply | ReadAfterCommit> {
  const event = await withLinkedAccounts(ctx, inbound);
  const { actor, channel } = event;
  // Every release this event names is loaded for this asker (getReleaseOrThrow): another workspace's reads as none.
  ctx.asker = { channelKey: channel.key, linked: actor.linked ?? [] };
  const platform = channel.platform;
  switch (event.kind) {
    case "command": {
      const cmd = "command" in event ? event.command : parseCommand(event.text);
      switch (cmd.name) {
        case "help":
          return help(platform);
        case "create":
          return await createRelease(ctx, actor, channel, cmd, event.names);
        case "vote":
          return await castVote(ctx, actor, platform, cmd.id, cmd.choice, cmd.reason);
        case "retract":
          return await retractVote(ctx, actor, platform, cmd.id);
        case "status":
          return await status(ctx, channel, cmd.id);
        case "list":
          return await list(ctx, channel);
        case "share":
          return await share(ctx, actor, channel, cmd.id);
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
          return cmd.op === "show" ? await showRetro(ctx, actor, cmd.id) : cmd.op === "export" ? await exportRetro(ctx, actor, cmd.id) : await startRetro(ctx, actor, platform, cmd.id);
        case "policy":
          return cmd.changes === null ? await showPolicy(ctx, channel) : await setPolicy(ctx, actor, channel, cmd.changes);
        case "audit":
          if (cmd.op === "timeline") return await auditTimeline(ctx, channel, cmd.id);
          return cmd.op === "export" ? await auditExport(ctx, actor, channel, cmd.from, cmd.to, cmd.id) : await auditVerify(ctx, actor);
        case "stats":
          return await statsReply(ctx, channel, cmd.service, cmd.days, cmd.environment);
        case "freeze":
          if (cmd.op === "list") return await listFreezes(ctx, channel);
          return cmd.op === "add" ? await addFreeze(ctx, actor, channel, cmd.spec, cmd.reason) : await removeFreeze(ctx, actor, channel, cmd.freezeId);
        case "lock":
          return await lockCommand(ctx, actor, channel, cmd.service, cmd.environment, cmd.reason);
        case "unlock":
          return await unlockCommand(ctx, actor, platform, cmd.service, cmd.environment, cmd.reason);
        case "locks":
          return await listLocks(ctx);
        case "criteria":
          return cmd.spec === null ? await showCriteria(ctx, channel) : await setCriteria(ctx, actor, channel, cmd.spec);
        case "check":
          return await checkCriterion(ctx, actor, platform, cmd.id, cmd.criterion, { status: cmd.status, note: cmd.note, override: cmd.override });
        case "role":
          if (cmd.op === "list") return await listRoles(ctx, actor);
          return cmd.op === "grant" ? await grantRole(ctx, actor, channel, cmd.subject, cmd.role) : await revokeRole(ctx, actor, platform, cmd.subject, cmd.role);
        case "web":
          return webLink(ctx, actor, channel, event.place);
        case "link":
          return cmd.code === null ? await startLink(ctx, actor) : await useLinkCode(ctx, actor, platform, cmd.code);
        case "unlink":
          return await unlink(ctx, actor, platform);
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
      requireVoting(release);
      const mine = await voteOfPerson(ctx, release.id, actor);
      const current = mine?.choice === "no_go" ? (mine.reason ?? "") : null;
      return { type: "form", form: noGoForm(release, (await policyFor(ctx, release.channel.key)).noGoReason === "required", current) };
    }
    case "rollback": {
      const release = await checkRollback(ctx, actor, releaseId);
      // A call that has not gone through is sent again, with a reason, as the first one was asked for.
      if (await rollbackToResend(ctx, release)) return { type: "form", form: resendRollbackForm(release) };
      if (release.state === "rolling_back" || release.state === "rolled_back") return await rollback(ctx, actor, platform, releaseId, null);
      return { type: "form", form: rollbackForm(release, Boolean(ctx.config.rollbackWebhookUrl), (await rollbackTargetOf(ctx, release)).text) };
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
      // Every field is read before any refusal, so each wrong one is named beside itself at once.
      const form = createForm();
      const problems: Record<string, string> = {};
      const read = <T>(fn: () => T): T | null => {
        try {
          return fn();
        } catch (err) {
          if (!(err instanceof UserError) || !err.field) throw err;
          problems[err.field] = err.fieldMessage ?? err.message;
          return null;
        }
      };
      const service = read(() => checkService(field(values, form, "service"), "service"));
      const version = read(() => checkVersion(field(values, form, "version"), "version"));
      const environment = read(() => {
        const typed = field(values, form, "environment");
        return typed ? checkEnvironment(typed, "environment") : null;
      });
      const when = read(() => field(values, form, "when") || null);
      const timezone = (await policyFor(ctx, event.channel.key)).timezone;
      if (when) read(() => withField("when", () => parseWhen(when, ctx.clock.now(), timezone)));
      const description = read(() => field(values, form, "description") || null);
      if (Object.keys(problems).length || service === null || version === null) throw new FormErrors(problems);
      return await createRelease(ctx, actor, event.channel, { service, version, environment, when, manager: null, description });
    }
    case "no_go": {
      const reason = (values.reason ?? "").trim();
      requireSameContent(await getReleaseOrThrow(ctx, needId()), event.tag, "vote", reason ? `your no-go (“${cutText(reason, 200)}”)` : "your no-go");
      return await castVote(ctx, actor, platform, needId(), "no_go", values.reason ?? null);
    }
    case "rollback":
      return rollback(ctx, actor, platform, needId(), cleanReason("rollbackReason", values.reason));
    case "retro":
      return await submitRetro(ctx, actor, platform, needId(), values);
    case "check":
      return await submitCheckForm(ctx, actor, platform, needId(), event.tag, values);
  }
}

import { createHash } from "node:crypto";
import { UserError } from "../domain/errors.js";
import { cutText, INPUT_LIMITS, wholeCharacters, type InputKind } from "../domain/limits.js";
import type { Release } from "../domain/types.js";
import type { FormId } from "./events.js";
import type { FormField, FormView } from "./views.js";

/** Each form's fields, with the limits table's length for each (so modals cap what the core accepts). */
const CREATE_FIELDS: FormField[] = [
  { key: "service", label: "Service", kind: "text", required: true, placeholder: "payments", maxLength: INPUT_LIMITS.service.max },
  { key: "version", label: "Version", kind: "text", required: true, placeholder: "1.4.2", maxLength: INPUT_LIMITS.version.max },
  { key: "environment", label: "Environment", kind: "text", required: false, initial: "production", maxLength: INPUT_LIMITS.environment.max },
  { key: "when", label: "Release time", kind: "datetime", required: false, placeholder: "tomorrow 10:00 or in 2h", maxLength: INPUT_LIMITS.when.max },
  { key: "description", label: "Description or changelog link", kind: "multiline", required: false, maxLength: INPUT_LIMITS.description.max },
];
const RETRO_FIELDS: FormField[] = [
  { key: "went_well", label: "What went well", kind: "multiline", required: false, maxLength: INPUT_LIMITS.retroAnswer.max },
  { key: "went_badly", label: "What did not go well", kind: "multiline", required: false, maxLength: INPUT_LIMITS.retroAnswer.max },
  // Discord cuts a label at 45 characters: the how-to goes in the placeholder.
  { key: "action_items", label: "Action items", kind: "multiline", required: false, placeholder: "One per line, owner first: @dana fix alerts", maxLength: INPUT_LIMITS.retroAnswer.max },
];

/** Which limit each field is held to, so a refusal names the thing ("A version is at most 64 characters"). */
const FIELD_LIMITS: Record<string, InputKind> = {
  service: "service",
  version: "version",
  environment: "environment",
  when: "when",
  description: "description",
  went_well: "retroAnswer",
  went_badly: "retroAnswer",
  action_items: "retroAnswer",
  note: "checkNote",
};

const FORM_KEYS: Record<FormId, string[]> = {
  create: CREATE_FIELDS.map((f) => f.key),
  no_go: ["reason"],
  rollback: ["reason"],
  retro: RETRO_FIELDS.map((f) => f.key),
  check: ["note"],
};

/** The create form (Slack's `/release` with no text opens it). */
export function createForm(): FormView {
  return {
    form: "create",
    releaseId: null,
    title: "New release",
    context: "Create a release and open the go/no-go vote in this channel.",
    submitLabel: "Create",
    fields: CREATE_FIELDS,
  };
}

/**
 * What a form's answer is given for, in 8 hex digits: a vote for the version and the
 * description (a change to either clears the votes), a criterion's tick for the version (a new
 * version resets the criteria). A form carries the stamp of the release it was opened on, so a
 * reason or a tick typed for 2.1 never lands on 2.2.
 */
function contentStamp(r: Pick<Release, "version" | "description">, answer: "vote" | "tick"): string {
  const content = answer === "vote" ? `${r.version}\u0000${r.description ?? ""}` : r.version;
  return createHash("sha256").update(content).digest("hex").slice(0, 8);
}

/**
 * Refuses a form opened before the release's content changed (its tag's stamp differs). A tag
 * without a stamp (a form opened before stamps existed) is taken as it is.
 */
export function requireSameContent(r: Release, tag: string | null | undefined, answer: "vote" | "tick", lost: string): void {
  const stamp = typeof tag === "string" ? /@([0-9a-f]{8})$/.exec(tag)?.[1] : undefined;
  if (stamp === undefined || stamp === contentStamp(r, answer)) return;
  const cleared = answer === "vote" ? "the votes were cleared" : "its criteria are pending again";
  throw new UserError(
    "form_stale",
    `${r.id} changed while this form was open (it is ${r.service} ${r.version} now, and ${cleared}), so ${lost} was not recorded. Look at the card and press its button again if it still applies.`,
  );
}

/**
 * The no-go form; for someone whose current vote is a no-go, their reason filled in, so
 * pressing No-go again changes its words instead of asking to type them all over.
 */
export function noGoForm(r: Release, reasonRequired: boolean, current: string | null = null): FormView {
  const field: FormField = { key: "reason", label: "Reason", kind: "multiline", required: reasonRequired, placeholder: "migration not tested on staging", maxLength: INPUT_LIMITS.voteReason.max };
  return {
    form: "no_go",
    releaseId: r.id,
    // Slack cuts a modal title at 24 characters: short enough that the id (up to R-12345) stays whole.
    title: current === null ? `No-go on ${r.id}` : `Edit your no-go: ${r.id}`,
    context: `${r.service} ${r.version} → ${r.environment}. ${current === null ? "Say what must change before it can ship." : "Your current reason is filled in: saving replaces it."}`,
    submitLabel: current === null ? "Vote no-go" : "Save reason",
    fields: [current ? { ...field, initial: wholeCharacters(current, field.maxLength) } : field],
    tag: `@${contentStamp(r, "vote")}`,
  };
}

/** `goesBack`: what it rolls back to, in words (rollbackTargetText), so nobody confirms the wrong card blind. */
export function rollbackForm(r: Release, webhookConfigured: boolean, goesBack: string): FormView {
  return {
    form: "rollback",
    releaseId: r.id,
    title: `Roll back ${r.id}`,
    // The manager is who answers for the release, whoever pressed ship; it may still be shipping.
    context: `${r.service} ${r.version} → ${r.environment} (${r.state === "shipping" ? "shipping" : "shipped"}; release manager ${r.managerName}). ${goesBack} ${webhookConfigured ? "This calls the rollback webhook now." : "No rollback webhook is configured: the team is told to roll back by hand."} Everyone in the channel sees who and why.`,
    submitLabel: "Roll back",
    fields: [{ key: "reason", label: "Why roll back?", kind: "multiline", required: true, placeholder: "error rate 5x after deploy", maxLength: INPUT_LIMITS.rollbackReason.max }],
  };
}

/**
 * Asking for a rollback whose call has not gone through (a Roll back press on its failure
 * notice): the same form, which sends that call again now, under its webhook-id.
 */
export function resendRollbackForm(r: Release): FormView {
  return {
    form: "rollback",
    releaseId: r.id,
    title: `Roll back ${r.id} again`,
    context: `${r.service} ${r.version} → ${r.environment} is rolling back, but its rollback webhook call has not gone through. This sends it again now, with the same webhook-id. Everyone in the channel sees who and why.`,
    submitLabel: "Send again",
    fields: [{ key: "reason", label: "Why send it again?", kind: "multiline", required: true, placeholder: "receiver is back", maxLength: INPUT_LIMITS.rollbackReason.max }],
  };
}

/**
 * The retro form; with the person's earlier answer, its fields filled in with it, and saving
 * replaces it (one answer per person per release).
 */
export function retroForm(r: Release, earlier?: { wentWell: string; wentBadly: string; actionItems: string }): FormView {
  if (!earlier) {
    return {
      form: "retro",
      releaseId: r.id,
      title: `Retro for ${r.id}`,
      context: `${r.service} ${r.version} → ${r.environment}. Answer what you can; all fields are kept. You can edit your answer later.`,
      submitLabel: "Save",
      fields: RETRO_FIELDS,
    };
  }
  const filled = retroFilled(earlier);
  // An answer kept from before answers were one per person (several joined) may be longer than a box holds.
  const cut = RETRO_FIELDS.filter((f) => (filled[f.key]?.length ?? 0) > f.maxLength);
  const cutNote = cut.length
    ? ` Your earlier ${cut.map((f) => `"${f.label}"`).join(" and ")} ${cut.length === 1 ? "is" : "are"} longer than a box holds, so only the first ${INPUT_LIMITS.retroAnswer.max} characters show: leave ${cut.length === 1 ? "that box" : "those boxes"} as ${cut.length === 1 ? "it is" : "they are"} to keep all of it.`
    : "";
  return {
    form: "retro",
    releaseId: r.id,
    title: `Edit your retro: ${r.id}`,
    context: `${r.service} ${r.version} → ${r.environment}. Your earlier answer is filled in; saving replaces it (empty every box to withdraw it).${cutNote}`,
    submitLabel: "Save changes",
    fields: RETRO_FIELDS.map((f) => (filled[f.key] ? { ...f, initial: wholeCharacters(filled[f.key]!, f.maxLength) } : f)),
  };
}

function retroFilled(earlier: { wentWell: string; wentBadly: string; actionItems: string }): Record<string, string> {
  return { went_well: earlier.wentWell, went_badly: earlier.wentBadly, action_items: earlier.actionItems };
}

/**
 * A retro form's field as submitted. A box the form filled in with only the beginning of a
 * longer earlier answer, sent back as it was, keeps the whole earlier answer: saving an edit
 * of another box must not cut it to what the box could show.
 */
export function retroField(values: Record<string, string>, form: FormView, key: string, earlier: { wentWell: string; wentBadly: string; actionItems: string } | undefined): string {
  const value = field(values, form, key);
  const whole = earlier ? retroFilled(earlier)[key] : undefined;
  const shown = form.fields.find((f) => f.key === key)?.initial;
  return whole !== undefined && shown !== undefined && whole.length > shown.length && value === shown.trim() ? whole : value;
}

/**
 * Ticking a criterion from the card: pass or fail is chosen in the card's menu, the note here.
 * Ticking one CI reports is an admin's override, whose reason is then required.
 */
export function checkForm(r: Release, criterion: string, verdict: "pass" | "fail", override: boolean): FormView {
  return {
    form: "check",
    releaseId: r.id,
    title: override ? `Override CI: ${criterion}` : `${verdict === "pass" ? "Pass" : "Fail"} ${criterion}`,
    context: override
      ? `CI reports ${criterion} on ${r.id}. As an admin you may set it to ${verdict === "pass" ? "passed" : "failed"} by hand; the reason is on the card and in the audit trail.`
      : `Mark ${criterion} on ${r.id} (${r.service} ${r.version} → ${r.environment}) as ${verdict === "pass" ? "passed" : "failed"}. A link in the note is shown as its evidence.`,
    submitLabel: verdict === "pass" ? "Mark passed" : "Mark failed",
    fields: [
      override
        ? { key: "note", label: "Why override CI?", kind: "multiline", required: true, placeholder: "runner down; suite green locally", maxLength: INPUT_LIMITS.checkNote.max }
        : { key: "note", label: "Note or evidence link", kind: "multiline", required: verdict === "fail", placeholder: verdict === "fail" ? "what failed, and a link" : "https://ci.example/run/42", maxLength: INPUT_LIMITS.checkNote.max },
    ],
    tag: `${criterion}:${verdict}${override ? ":override" : ""}@${contentStamp(r, "tick")}`,
  };
}

/** Reads a field from a submitted form, enforcing what the form promised. */
export function field(values: Record<string, string>, form: FormView, key: string): string {
  const spec = form.fields.find((f) => f.key === key);
  const value = (values[key] ?? "").trim();
  if (!spec) return value;
  if (spec.required && !value) throw new UserError("missing_field", `${spec.label} is required.`, key);
  if (value.length > spec.maxLength) {
    const kind = FIELD_LIMITS[key];
    const what = kind ? INPUT_LIMITS[kind].what : "This answer";
    throw new UserError("too_long", `${what} is at most ${spec.maxLength} characters (yours has ${value.length}).`, key);
  }
  return value;
}

/**
 * Refuses a submission carrying a field its form does not have (a typo in the terminal's
 * `/submit`, a forged payload), naming the fields it does have, before anything is read.
 */
export function checkFormFields(form: FormId, values: Record<string, string>): void {
  const keys = FORM_KEYS[form];
  const unknown = Object.keys(values).find((k) => !keys.includes(k));
  if (unknown === undefined) return;
  const shown = cutText(unknown, 32);
  throw new UserError("unknown_field", `This form has no field \`${shown}\`. Its ${keys.length === 1 ? "field is" : "fields are"}: ${keys.join(", ")}.`, unknown);
}

import { UserError } from "../domain/errors.js";
import { MAX_REASON } from "../domain/votes.js";
import type { Release } from "../domain/types.js";
import type { FormView } from "./views.js";

/** The create form (Slack's `/release` with no text opens it). */
export function createForm(): FormView {
  return {
    form: "create",
    releaseId: null,
    title: "New release",
    context: "Create a release and open the go/no-go vote in this channel.",
    submitLabel: "Create",
    fields: [
      { key: "service", label: "Service", kind: "text", required: true, placeholder: "payments", maxLength: 64 },
      { key: "version", label: "Version", kind: "text", required: true, placeholder: "1.4.2", maxLength: 64 },
      { key: "environment", label: "Environment", kind: "text", required: false, initial: "production", maxLength: 32 },
      { key: "when", label: "Release time", kind: "datetime", required: false, placeholder: "tomorrow 10:00 or in 2h", maxLength: 64 },
      { key: "description", label: "Description or changelog link", kind: "multiline", required: false, maxLength: 1000 },
    ],
  };
}

export function noGoForm(r: Release, reasonRequired: boolean): FormView {
  return {
    form: "no_go",
    releaseId: r.id,
    title: `No-go on ${r.id}`,
    context: `${r.service} ${r.version} → ${r.environment}. Say what must change before it can ship.`,
    submitLabel: "Vote no-go",
    fields: [{ key: "reason", label: "Reason", kind: "multiline", required: reasonRequired, placeholder: "migration not tested on staging", maxLength: MAX_REASON }],
  };
}

export function rollbackForm(r: Release, webhookConfigured: boolean): FormView {
  return {
    form: "rollback",
    releaseId: r.id,
    title: `Roll back ${r.id}?`,
    context: `${r.service} ${r.version} → ${r.environment}, shipped by ${r.managerName}. ${webhookConfigured ? "This calls the rollback webhook now." : "No rollback webhook is configured: the team is told to roll back by hand."} Everyone in the channel sees who and why.`,
    submitLabel: "Roll back",
    fields: [{ key: "reason", label: "Why roll back?", kind: "multiline", required: true, placeholder: "error rate 5x after deploy", maxLength: MAX_REASON }],
  };
}

export function retroForm(r: Release): FormView {
  return {
    form: "retro",
    releaseId: r.id,
    title: `Retro for ${r.id}`,
    context: `${r.service} ${r.version} → ${r.environment}. Answer what you can; all fields are kept.`,
    submitLabel: "Save",
    fields: [
      { key: "went_well", label: "What went well", kind: "multiline", required: false, maxLength: 1000 },
      { key: "went_badly", label: "What did not go well", kind: "multiline", required: false, maxLength: 1000 },
      { key: "action_items", label: "Action items (one per line, owner first: @dana fix alerts)", kind: "multiline", required: false, maxLength: 1000 },
    ],
  };
}

/** Reads a field from a submitted form, enforcing what the form promised. */
export function field(values: Record<string, string>, form: FormView, key: string): string {
  const spec = form.fields.find((f) => f.key === key);
  const value = (values[key] ?? "").trim();
  if (!spec) return value;
  if (spec.required && !value) throw new UserError("missing_field", `${spec.label} is required.`, key);
  if (value.length > spec.maxLength) throw new UserError("field_too_long", `${spec.label} is too long: keep it under ${spec.maxLength} characters.`, key);
  return value;
}

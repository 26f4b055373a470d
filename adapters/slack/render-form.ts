import type { types as slack } from "@slack/bolt";
import { withoutMarks, type FormField, type FormView } from "../../src/app/views.js";
import { coreText, LIMITS, mrkdwn, plain } from "./block-kit.js";
import { FIELD_ACTION_ID, callbackId, encodeMetadata, fieldBlockId, type ModalMetadata } from "./ids.js";

/** A core form as a Slack modal: one input block per field, ids that come back on submit. */
export function renderModal(form: FormView, meta: ModalMetadata): slack.ModalView {
  const blocks: slack.KnownBlock[] = [];
  if (form.context) blocks.push({ type: "section", text: mrkdwn(coreText(form.context)) });
  for (const field of form.fields.slice(0, LIMITS.viewBlocks - blocks.length)) blocks.push(inputBlock(field));
  return {
    type: "modal",
    callback_id: callbackId(form.form),
    // The form's tag rides along with the release and channel, so the submission says what it was for.
    private_metadata: encodeMetadata(form.tag ? { ...meta, tag: form.tag } : meta),
    title: plain(form.title, LIMITS.modalTitle),
    submit: plain(form.submitLabel, LIMITS.modalButton),
    close: plain("Cancel", LIMITS.modalButton),
    blocks,
  };
}

function inputBlock(field: FormField): slack.InputBlock {
  return {
    type: "input",
    block_id: fieldBlockId(field.key),
    optional: !field.required,
    label: plain(field.label, LIMITS.inputLabel),
    element: inputElement(field),
  };
}

function inputElement(field: FormField): slack.InputBlock["element"] {
  if (field.kind === "datetime") {
    const initial = field.initial ? Date.parse(field.initial) : Number.NaN;
    return { type: "datetimepicker", action_id: FIELD_ACTION_ID, ...(Number.isNaN(initial) ? {} : { initial_date_time: Math.floor(initial / 1000) }) };
  }
  return {
    type: "plain_text_input",
    action_id: FIELD_ACTION_ID,
    multiline: field.kind === "multiline",
    max_length: Math.min(Math.max(field.maxLength, 1), LIMITS.plainTextInput),
    ...(field.placeholder ? { placeholder: plain(field.placeholder, LIMITS.placeholder) } : {}),
    ...(field.initial ? { initial_value: field.initial.slice(0, LIMITS.plainTextInput) } : {}),
  };
}

/**
 * `form_errors` from the core → `response_action: errors`, keyed by our block ids. Slack
 * refuses errors for blocks the modal does not have, so a message about an unknown field
 * goes on the first field instead of failing the whole submission.
 */
export function modalErrors(errors: Record<string, string>, modalKeys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    const target = modalKeys.includes(key) ? key : modalKeys[0];
    if (target === undefined) continue;
    const blockId = fieldBlockId(target);
    // Slack shows a field's error as plain text: a `command` in it reads without its backticks.
    const text = withoutMarks(message);
    out[blockId] = out[blockId] ? `${out[blockId]} ${text}`.slice(0, 2000) : text.slice(0, 2000);
  }
  return out;
}

/** Replaces the modal with a short message (refusals that are not about one field). */
export function renderMessageModal(title: string, text: string): slack.ModalView {
  return {
    type: "modal",
    title: plain(title, LIMITS.modalTitle),
    close: plain("Close", LIMITS.modalButton),
    blocks: [{ type: "section", text: mrkdwn(coreText(text)) }],
  };
}

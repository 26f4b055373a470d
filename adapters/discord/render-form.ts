import { ComponentType, TextInputStyle, type APIModalInteractionResponseCallbackComponent, type APIModalInteractionResponseCallbackData } from "discord.js";
import type { FormView } from "../../src/app/views.js";
import { formCustomId } from "./ids.js";
import { LIMITS, clip, cutMarkdown } from "./limits.js";
import { coreText, fit, md } from "./markdown.js";

/** Forms on Discord: the modal a form opens, and the private message that names a submission's wrong fields. */

/** A form as a modal: the context as text above labelled inputs; field keys are the input custom_ids. */
export function renderModal(form: FormView): APIModalInteractionResponseCallbackData {
  const components: APIModalInteractionResponseCallbackComponent[] = [];
  const fields = form.fields.slice(0, LIMITS.modalComponents);
  if (form.context && fields.length < LIMITS.modalComponents) {
    components.push({ type: ComponentType.TextDisplay, content: fit(coreText(clip(form.context, LIMITS.textDisplay / 2)), LIMITS.textDisplay) });
  }
  for (const f of fields) {
    components.push({
      type: ComponentType.Label,
      label: clip(f.label, LIMITS.labelText),
      component: {
        type: ComponentType.TextInput,
        custom_id: f.key,
        style: f.kind === "multiline" ? TextInputStyle.Paragraph : TextInputStyle.Short,
        required: f.required,
        max_length: Math.max(1, Math.min(f.maxLength, LIMITS.textInputValue)),
        ...(f.placeholder ? { placeholder: clip(f.placeholder, LIMITS.placeholder) } : {}),
        ...(f.initial ? { value: clip(f.initial, Math.min(f.maxLength, LIMITS.textInputValue)) } : {}),
      },
    });
  }
  return { custom_id: formCustomId(form.form, form.releaseId, form.tag), title: clip(form.title, LIMITS.modalTitle), components };
}

/** Form errors as one private message, a line per field (a field whose error is the message itself is not said twice). */
export function renderFormErrors(text: string, errors: Record<string, string>): string {
  const lines = Object.entries(errors)
    .filter(([, v]) => v !== text)
    .map(([k, v]) => md`• **${k}**: ${coreText(v)}`);
  return cutMarkdown([coreText(text || "Some fields need another look:"), ...lines].map((l) => l.markup).join("\n"), LIMITS.content);
}

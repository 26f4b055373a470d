import type { APIEmbed } from "discord.js";
import { LIMITS, embedLength } from "../../adapters/discord/limits.js";
import type { MessageBody } from "../../adapters/discord/render.js";

/** Every Discord limit a message body can break, as readable problems (empty when it fits). */
export function limitProblems(body: Pick<MessageBody, "embeds" | "components"> & { content?: string }): string[] {
  const problems: string[] = [];
  const embeds: APIEmbed[] = body.embeds;
  if ((body.content ?? "").length > LIMITS.content) problems.push("content > 2000");
  if (embeds.length > LIMITS.embedsPerMessage) problems.push("more than 10 embeds");
  const total = embeds.reduce((n, e) => n + embedLength(e), 0);
  if (total > LIMITS.embedTotal) problems.push(`embeds total ${total} > 6000`);
  for (const e of embeds) {
    if ((e.title?.length ?? 0) > LIMITS.embedTitle) problems.push("title > 256");
    if ((e.description?.length ?? 0) > LIMITS.embedDescription) problems.push("description > 4096");
    if ((e.fields?.length ?? 0) > LIMITS.embedFields) problems.push("more than 25 fields");
    for (const f of e.fields ?? []) {
      if (f.name.length > LIMITS.fieldName || f.name.length === 0) problems.push(`field name length ${f.name.length}`);
      if (f.value.length > LIMITS.fieldValue || f.value.length === 0) problems.push(`field ${f.name} value length ${f.value.length}`);
    }
  }
  if (body.components.length > LIMITS.actionRows) problems.push("more than 5 rows");
  const ids = new Set<string>();
  for (const row of body.components) {
    if (row.components.length > LIMITS.buttonsPerRow) problems.push("more than 5 buttons in a row");
    for (const c of row.components) {
      if ("custom_id" in c) {
        if (c.custom_id.length > LIMITS.customId) problems.push(`custom_id > 100: ${c.custom_id}`);
        if (ids.has(c.custom_id)) problems.push(`duplicate custom_id ${c.custom_id}`);
        ids.add(c.custom_id);
      }
      if ("label" in c && (c.label?.length ?? 0) > LIMITS.buttonLabel) problems.push("button label > 80");
      if ("options" in c) {
        // A select fills its row alone, with at most 25 options of at most 100 chars each.
        if (row.components.length !== 1) problems.push("a select shares its row");
        if (c.options.length === 0 || c.options.length > LIMITS.selectOptions) problems.push(`select with ${c.options.length} options`);
        if (c.options.some((o) => o.label.length > LIMITS.selectOptionText || o.value.length > LIMITS.selectOptionText)) problems.push("select option > 100");
      }
    }
  }
  return problems;
}

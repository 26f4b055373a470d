import type { types as slack } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { renderModal as renderDiscordModal } from "../../adapters/discord/render-form.js";
import { renderModal as renderSlackModal } from "../../adapters/slack/render-form.js";
import { createForm, noGoForm, retroForm, rollbackForm } from "../../src/app/forms.js";
import type { FormView } from "../../src/app/views.js";
import { INPUT_LIMITS, type InputKind } from "../../src/domain/limits.js";
import { makeRelease } from "../domain/fixtures.js";

const release = makeRelease({ state: "shipped" });
/** Each form's typed fields and the core limit each is held to (Slack shows the time as a date picker, Discord as a text box). */
const FORMS: Array<[FormView, Record<string, InputKind>]> = [
  [createForm(), { service: "service", version: "version", environment: "environment", when: "when", description: "description" }],
  [noGoForm(release, true), { reason: "voteReason" }],
  [rollbackForm(release, false, "Rolls payments production back from 1.4.2 to 1.4.1 (R-3, shipped 2d ago)."), { reason: "rollbackReason" }],
  [retroForm(release), { went_well: "retroAnswer", went_badly: "retroAnswer", action_items: "retroAnswer" }],
];
const CASES = FORMS.map(([form, limits]) => ({ name: form.form, form, limits }));

describe("modal text boxes hold exactly what the core accepts", () => {
  it.each(CASES)("Slack: the $name form's max_length is the limits table's", ({ form, limits }) => {
    const modal = renderSlackModal(form, { release: form.releaseId, channel: "C1", team: "T1" });
    const boxes = Object.fromEntries(
      modal.blocks
        .filter((b): b is slack.InputBlock => b.type === "input")
        .flatMap((b) => (b.element.type === "plain_text_input" ? [[b.block_id!.replace(/^field:/, ""), b.element.max_length]] : [])),
    );
    const typed = Object.entries(limits).filter(([key]) => form.fields.find((f) => f.key === key)?.kind !== "datetime");
    expect(boxes).toEqual(Object.fromEntries(typed.map(([key, kind]) => [key, INPUT_LIMITS[kind].max])));
  });

  it.each(CASES)("Discord: the $name form's max_length is the limits table's", ({ form, limits }) => {
    const modal = renderDiscordModal(form);
    const boxes = Object.fromEntries(
      modal.components.flatMap((c) => ("component" in c && "max_length" in c.component ? [[c.component.custom_id, c.component.max_length]] : [])),
    );
    expect(boxes).toEqual(Object.fromEntries(Object.entries(limits).map(([key, kind]) => [key, INPUT_LIMITS[kind].max])));
  });
});

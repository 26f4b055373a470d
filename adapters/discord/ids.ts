import { z } from "zod";
import type { CardAction, FormId } from "../../src/app/events.js";
import { FORM_TAG } from "../../src/app/views.js";

/**
 * custom_ids carry only an opaque reference (which button, which release); the core
 * looks up the real state and checks who pressed. The `g1` prefix versions the format,
 * so cards posted by an older build can be recognised and answered politely.
 */
const VERSION = "g1";

const CARD_ACTIONS = ["go", "no_go", "abstain", "rollback", "retro"] as const satisfies readonly CardAction[];
const FORM_IDS = ["create", "no_go", "rollback", "retro", "check"] as const satisfies readonly FormId[];

// Parsed on every press: plain patterns, anchored, built from the same lists.
const BUTTON_ID = new RegExp(`^${VERSION}:b:(${CARD_ACTIONS.join("|")}):(R-\\d{1,9})$`);
// A form's tag (FormView.tag, e.g. `tests:fail`) follows its release: the submission says what it was for.
const FORM_ID = new RegExp(`^${VERSION}:f:(${FORM_IDS.join("|")}):(R-\\d{1,9}|-)(?::(${FORM_TAG.source.slice(1, -1)}))?$`);
/** The card's criteria menu: `g1:s:check:R-12`; the chosen option's value is `tests:fail`. */
const SELECT_ID = new RegExp(`^${VERSION}:s:check:(R-\\d{1,9})$`);
const SELECT_VALUE = /^[a-z0-9_-]{1,32}:(?:pass|fail)$/;

/** A text input's custom_id inside a modal: the FormField key. */
export const fieldKeySchema = z.string().regex(/^[a-z][a-zA-Z0-9_]{0,40}$/);

export type ParsedCustomId =
  | { kind: "button"; action: CardAction; releaseId: string }
  | { kind: "form"; form: FormId; releaseId: string | null; tag: string | null }
  | { kind: "select"; releaseId: string };

/** `g1:b:go:R-12` */
export function buttonCustomId(action: CardAction, releaseId: string): string {
  return checked(`${VERSION}:b:${action}:${releaseId}`);
}

/** `g1:f:rollback:R-12`, `g1:f:create:-`, `g1:f:check:R-12:tests:fail` */
export function formCustomId(form: FormId, releaseId: string | null, tag?: string): string {
  return checked(`${VERSION}:f:${form}:${releaseId ?? "-"}${tag ? `:${tag}` : ""}`);
}

/** `g1:s:check:R-12`: the card's criteria menu. */
export function selectCustomId(releaseId: string): string {
  return checked(`${VERSION}:s:check:${releaseId}`);
}

/** A criteria menu option's value, `tests:fail` (at most 100 chars, as Discord allows). */
export function selectOptionValue(criterion: string, verdict: "pass" | "fail"): string {
  return `${criterion}:${verdict}`;
}

/** A chosen option read back; null when it is not one we made. */
export function parseSelectValue(raw: unknown): string | null {
  return typeof raw === "string" && SELECT_VALUE.test(raw) ? raw : null;
}

/** Parses an untrusted custom_id; null when it is not one of ours (tampered, or an unknown version). */
export function parseCustomId(raw: unknown): ParsedCustomId | null {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 100) return null;
  const button = BUTTON_ID.exec(raw);
  // The casts hold: each group matches only the names in CARD_ACTIONS / FORM_IDS.
  if (button) return { kind: "button", action: button[1] as CardAction, releaseId: button[2]! };
  const form = FORM_ID.exec(raw);
  if (form) return { kind: "form", form: form[1] as FormId, releaseId: form[2] === "-" ? null : form[2]!, tag: form[3] ?? null };
  const select = SELECT_ID.exec(raw);
  if (select) return { kind: "select", releaseId: select[1]! };
  return null;
}

function checked(id: string): string {
  // Discord rejects the whole message when a custom_id is over 100 chars; fail loudly here instead.
  if (id.length > 100) throw new Error(`custom_id too long (${id.length} chars)`);
  return id;
}

import { z } from "zod";
import type { CardAction, FormId } from "../../src/app/events.js";
import { FORM_TAG } from "../../src/app/views.js";

/**
 * Ids we put on Slack buttons and modals, and read back when Slack sends them. They are
 * versioned so a button on a months-old card gets a clear "press it again on a fresh
 * card" answer instead of doing something different after an upgrade. Everything here
 * stays far below Slack's 255-char action_id/block_id/callback_id and 2000-char value.
 */
const ID_VERSION = 1;
const PREFIX = "gonogo";

/** Matches every action_id gonogo has ever made, whatever its version (for Bolt routing). */
export const ACTION_ID_PATTERN = /^gonogo:/;
/** Matches every modal callback_id gonogo has ever made. */
export const CALLBACK_ID_PATTERN = /^gonogo:/;

const cardActions = ["go", "no_go", "abstain", "rollback", "retro", "check"] as const satisfies readonly CardAction[];
const formIds = ["create", "no_go", "rollback", "retro", "check"] as const satisfies readonly FormId[];
const RELEASE_ID = /^R-\d{1,9}$/;
const releaseIdSchema = z.string().regex(RELEASE_ID);

export function actionId(action: CardAction): string {
  return `${PREFIX}:v${ID_VERSION}:${action}`;
}

export function buttonValue(releaseId: string): string {
  return `v${ID_VERSION}:${releaseId}`;
}

/** The value of one option of a card's criteria menu: `v1:R-7:tests:fail` (far below Slack's 150-char option value). */
export function checkOptionValue(releaseId: string, criterion: string, verdict: "pass" | "fail"): string {
  return `v${ID_VERSION}:${releaseId}:${criterion}:${verdict}`;
}

export type ParsedButton =
  | { ok: true; action: CardAction; releaseId: string; option?: string }
  | { ok: false; reason: "stale" | "tampered" };

const ACTION_ID = /^gonogo:v(\d+):([a-z_]+)$/;
const VALUE = /^v(\d+):(.+)$/;
const CHECK_OPTION = /^(R-\d{1,9}):([a-z0-9_-]{1,32}:(?:pass|fail))$/;
const TAMPERED = { ok: false, reason: "tampered" } as const;
const isCardAction = (s: string): s is CardAction => (cardActions as readonly string[]).includes(s);

/**
 * Reads a pressed button back. A different version is "stale"; anything we did not make is
 * "tampered". Anchored patterns, no zod: it runs on every press (zod's four parses and an
 * enum built per call were 2 KB of garbage per press in the Slack storm).
 */
export function parseButton(actionIdText: unknown, valueText: unknown): ParsedButton {
  if (typeof actionIdText !== "string" || typeof valueText !== "string" || actionIdText.length > 255 || valueText.length > 2000) return TAMPERED;
  const a = ACTION_ID.exec(actionIdText);
  const v = VALUE.exec(valueText);
  if (!a || !v) return TAMPERED;
  if (Number(a[1]) !== ID_VERSION || Number(v[1]) !== ID_VERSION) return { ok: false, reason: "stale" };
  const action = a[2]!;
  if (action === "check") {
    // The menu's option: the release, then the choice the core reads back (and checks again).
    const m = CHECK_OPTION.exec(v[2]!);
    return m ? { ok: true, action, releaseId: m[1]!, option: m[2]! } : TAMPERED;
  }
  const releaseId = v[2]!;
  if (!isCardAction(action) || !RELEASE_ID.test(releaseId)) return TAMPERED;
  return { ok: true, action, releaseId };
}

/** One block per form field; the key is what the core names the field in `form_errors`. */
export function fieldBlockId(key: string): string {
  return `field:${key}`;
}
export const FIELD_ACTION_ID = "input";

export function fieldKeyFromBlockId(blockId: string): string | null {
  return blockId.startsWith("field:") ? blockId.slice("field:".length) : null;
}

export function callbackId(form: FormId): string {
  return `${PREFIX}:v${ID_VERSION}:form:${form}`;
}

export type ParsedCallback = { ok: true; form: FormId } | { ok: false; reason: "stale" | "tampered" };

export function parseCallbackId(text: unknown): ParsedCallback {
  const m = typeof text === "string" ? /^gonogo:v(\d+):form:([a-z_]+)$/.exec(text) : null;
  if (!m) return { ok: false, reason: "tampered" };
  if (Number(m[1]) !== ID_VERSION) return { ok: false, reason: "stale" };
  const form = z.enum(formIds).safeParse(m[2]);
  return form.success ? { ok: true, form: form.data } : { ok: false, reason: "tampered" };
}

/**
 * What a modal remembers between opening and submit: which release, and the channel and
 * workspace it was opened from (view_submission payloads carry no channel).
 */
const metadataSchema = z.object({
  v: z.literal(ID_VERSION),
  release: releaseIdSchema.nullable(),
  channel: z.string().regex(/^[A-Z0-9]{1,40}$/),
  team: z.string().regex(/^[A-Z0-9]{1,40}$/),
  /** The core's FormView.tag (which criterion and verdict a check form is for). */
  tag: z.string().regex(FORM_TAG).optional(),
});
export type ModalMetadata = Omit<z.infer<typeof metadataSchema>, "v">;

export function encodeMetadata(m: ModalMetadata): string {
  return JSON.stringify({ v: ID_VERSION, ...m });
}

export function decodeMetadata(text: unknown): ModalMetadata | null {
  if (typeof text !== "string") return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = metadataSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { release, channel, team, tag } = parsed.data;
  return tag === undefined ? { release, channel, team } : { release, channel, team, tag };
}

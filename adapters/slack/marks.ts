import type { types as slack } from "@slack/bolt";
import type { ButtonView } from "../../src/app/views.js";
import type { Decision } from "../../src/domain/decision.js";
import type { ReleaseState } from "../../src/domain/release.js";
import { LIMITS, md, mention, plain, type Mrkdwn } from "./block-kit.js";
import { actionId, buttonValue } from "./ids.js";
import { parseSubject } from "../../src/domain/identity.js";
import { nativeUserId } from "./inbound.js";

/* What the card and the other Slack renderers share: the message shape, the state and decision emoji, people and buttons. */

/** What chat.postMessage / chat.update / an ephemeral reply take. */
export interface SlackMessage {
  text: string;
  blocks: slack.KnownBlock[];
}

export const STATE_EMOJI: Record<ReleaseState, string> = {
  voting: ":ballot_box_with_ballot:",
  shipping: ":rocket:",
  shipped: ":white_check_mark:",
  rolling_back: ":rewind:",
  rolled_back: ":leftwards_arrow_with_hook:",
  held: ":double_vertical_bar:",
  cancelled: ":no_entry_sign:",
  closed: ":checkered_flag:",
};

export const DECISION_EMOJI: Record<Decision, string> = { go: ":large_green_circle:", no_go: ":red_circle:", pending: ":hourglass_flowing_sand:" };

/** An emoji code of the renderer's own: markup, never text to make inert (its underscores are its name). */
export const emoji = (code: string): Mrkdwn => ({ markup: code });

/**
 * A person as Slack should show them: a live mention for Slack users, the stored name for
 * others. `team`: the workspace the text is shown in, when known: a member of another one
 * (where a shared card came from) is named, as their mention would show here as an unknown user.
 */
export function personText(id: string, name: string, team?: string): Mrkdwn {
  const native = nativeUserId(id);
  return native && (team === undefined || parseSubject(id)?.scope === team) ? mention(native) : md`${name}`;
}

export function renderButtons(buttons: ButtonView[], releaseId: string): slack.Button[] {
  return buttons.slice(0, LIMITS.actionsElements).map((b) => ({
    type: "button",
    action_id: actionId(b.action),
    value: buttonValue(releaseId),
    text: plain(b.label, LIMITS.buttonText),
    ...(b.style === "default" ? {} : { style: b.style }),
  }));
}

/** Text that sits inside the renderer's bold or italics: a line break there would end them and show the marks. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ");
}

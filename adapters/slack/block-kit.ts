/**
 * Slack's Block Kit limits (docs.slack.dev/reference/block-kit and @slack/types JSDoc,
 * collected in PLATFORM-FACTS A5) and the small text helpers every renderer needs.
 */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  actionsElements: 25,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  placeholder: 150,
  plainTextInput: 3000,
  /**
   * Slack rejects messages with `msg_blocks_too_long` well below the documented limits
   * (about 13.2k characters across blocks, bolt-js #2509), so a card keeps a budget.
   */
  messageTextBudget: 11_000,
} as const;

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** Escapes the three characters mrkdwn treats as control characters; everything else (`*`, `` ` ``) keeps its meaning. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Plain text objects cannot be empty; a single space is the accepted placeholder. */
export function plain(text: string, max: number): { type: "plain_text"; text: string; emoji: true } {
  return { type: "plain_text", text: truncate(text, max) || " ", emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.sectionText): { type: "mrkdwn"; text: string } {
  return { type: "mrkdwn", text: truncate(text, max) || " " };
}

/**
 * Slack's date token: every viewer sees the instant in their own time zone. The fallback
 * is shown by clients that cannot format it (notifications, old clients).
 */
export function slackDate(ms: number, fallback: string): string {
  const safeFallback = fallback.replace(/[|>]/g, " ");
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${safeFallback}>`;
}

import type { Reply } from "../../src/app/views.js";

/**
 * Past this, Slack may have stopped waiting for the acknowledgement (3 s from when it sent the
 * request, a little before this listener started) and shown the person an error.
 */
const SLACK_PATIENCE_MS = 2_500;

/**
 * Acknowledges, and says whether Slack was still waiting for it. gonogo acknowledges only what
 * it has committed, so on a slow database the answer can come after Slack's 3 s: Bolt's HTTP
 * receiver has then answered 404 itself (and this ack throws), or in Socket Mode Slack has
 * shown an error anyway. Either way the person believes nothing happened, so the caller tells
 * them privately what did.
 */
export async function ackedInTime(startedAt: number, ack: () => Promise<void>): Promise<boolean> {
  const late = performance.now() - startedAt > SLACK_PATIENCE_MS;
  try {
    await ack();
  } catch {
    return false;
  }
  return !late;
}

/** The answer to something Slack stopped waiting for: what happened, and whether to do it again. */
export function lateReply(reply: Reply, what: "press" | "command" | "form"): Reply {
  const again = what === "press" ? "press again" : what === "command" ? "run it again" : "submit it again";
  const text = reply.type === "form" ? reply.form.title : reply.type === "form_errors" ? [reply.text, ...Object.values(reply.errors)].join(" ") : reply.text;
  const failed = reply.type === "form_errors" || (reply.type === "message" && reply.error);
  const lead = `Slack stopped waiting for this ${what} (gonogo took more than 3 seconds: its database was slow) and may have shown you an error.`;
  const said = failed ? `${lead} What happened: ${text}` : `${lead} It went through: ${text} No need to ${again}.`;
  return reply.type === "message" ? { ...reply, text: said } : { type: "message", text: said, cards: [], error: failed };
}

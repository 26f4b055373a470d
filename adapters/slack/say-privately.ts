import type { webApi } from "@slack/bolt";
import type { Logger } from "../../src/app/ports.js";
import { describeSlackError } from "./logger.js";

type Respond = (msg: { response_type: "ephemeral"; replace_original: false; text: string; blocks?: unknown[] }) => Promise<unknown>;

/**
 * An ephemeral answer to one person. chat.postEphemeral needs the bot in the channel (Slack
 * refuses it, `not_in_channel`, in a public channel gonogo posts in without having joined,
 * node-slack-sdk #977); the payload's response_url works without, so it is the fallback. A
 * form's submission has no response_url: its answer (the rollback started, the retro saved)
 * then comes as a direct message from gonogo rather than nowhere.
 */
export async function sayPrivately(client: webApi.WebClient, respond: Respond | null, channel: string | undefined, user: string, message: { text: string; blocks: unknown[] }, log: Logger): Promise<void> {
  const blocks = message.blocks.length ? { blocks: message.blocks } : {};
  if (channel) {
    try {
      await client.chat.postEphemeral({ channel, user, text: message.text, ...(blocks as object) });
      return;
    } catch (err) {
      // The response_url fallback is the usual path in a channel not joined: not worth a log line each press.
      if (!respond) log.warn({ ...describeSlackError(err), channel }, "slack: chat.postEphemeral failed; answering by direct message");
    }
  }
  try {
    if (respond) {
      await respond({ response_type: "ephemeral", replace_original: false, text: message.text, ...blocks });
      return;
    }
    const dm = await client.conversations.open({ users: user });
    if (!dm.channel?.id) throw new Error("conversations.open returned no channel");
    await client.chat.postMessage({ channel: dm.channel.id, text: message.text, ...(blocks as object), unfurl_links: false, unfurl_media: false });
  } catch (err) {
    log.warn(describeSlackError(err), respond ? "slack: response_url reply failed" : "slack: the answer could not be sent by direct message either");
  }
}

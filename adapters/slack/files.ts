import type { webApi } from "@slack/bolt";
import type { Logger } from "../../src/app/ports.js";
import type { FileView } from "../../src/app/views.js";
import { describeSlackError } from "./logger.js";

/** What the answer to an export says about its files, which arrive in a direct message. */
export function filesOnTheirWay(files: FileView[]): string {
  return `The files (${files.map((f) => f.name).join(", ")}) are on their way to your direct messages with gonogo.`;
}

/**
 * Sends files (audit and retro exports) to the one person who asked. Slack has no ephemeral files,
 * so they go to the person's direct message with the app (needs im:write, files:write).
 */
export async function sendFilesPrivately(client: webApi.WebClient, user: string, files: FileView[], log: Logger): Promise<string | null> {
  try {
    const dm = await client.conversations.open({ users: user });
    const channel = dm.channel?.id;
    if (!channel) return "Slack did not open a direct message with you, so the export was not sent.";
    await client.filesUploadV2({
      channel_id: channel,
      initial_comment: `Your gonogo export: ${files.map((f) => f.name).join(", ")}`,
      file_uploads: files.map((f) => ({ file: Buffer.from(f.content, "utf8"), filename: f.name, title: f.name })),
    });
    return null;
  } catch (err) {
    log.warn({ ...describeSlackError(err) }, "slack: sending export files failed");
    return "The export could not be sent as a file (the app may lack the files:write or im:write scope). Ask an admin to reinstall the app from the current manifest.";
  }
}

import type { Reply } from "../../src/app/views.js";
import { actorOf } from "../../src/domain/identity.js";
import type { ChannelRef } from "../../src/domain/types.js";
import { linkAccounts, person, type TestCore } from "./core.js";

/** A Discord channel a terminal release's card is shared into (its platform may still be connecting). */
export const discordChannel: ChannelRef = { platform: "discord", key: "discord:1187300000000000001:1187300000000000002", nativeId: "1187300000000000002" };

/** alice shares her terminal release into `discordChannel` from her Discord account, linked to the terminal one: she is in both. */
export async function shareToDiscord(core: TestCore, id: string): Promise<Reply> {
  const aliceOnDiscord = actorOf({ kind: "person", platform: "discord", scope: "1187300000000000001", user: "1187300000000000003" }, "alice");
  await linkAccounts(core, person("alice"), aliceOnDiscord);
  return core.bot.handle({ kind: "command", actor: aliceOnDiscord, channel: discordChannel, text: `share ${id}` });
}

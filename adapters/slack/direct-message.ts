/**
 * What `/release` may not do in a direct message. A release lives where its card is: created
 * (or shared) in a DM, only that conversation would see and vote on it, and its service would
 * be decided there from then on (`decided in <#D…>`), keeping everyone else's releases out.
 * Reading and voting by id work there as anywhere.
 */

/** A one-to-one DM (`D…`) or a group DM (`mpdm-…`), as a slash command's payload names it. */
export function isDirectMessage(channelId: string, channelName: string | undefined): boolean {
  return channelId.startsWith("D") || channelName === "directmessage" || (channelName ?? "").startsWith("mpdm-");
}

/** The answer to a command that would put a card in a direct message, or null for any other command. */
export function refusedInDirectMessage(text: string): string | null {
  const [verb = "", id = "<id>"] = text.trim().split(/\s+/);
  const command = verb === "" || verb.toLowerCase() === "create" ? "/release create" : verb.toLowerCase() === "share" ? `/release share ${id}` : null;
  if (!command) return null;
  return `A release is voted on where its card is, so it cannot live in a direct message. Run \`${command}\` in a channel where your team votes (e.g. where your release cards are posted). Here, \`/release status\`, \`list\` and \`vote\` by id still work.`;
}

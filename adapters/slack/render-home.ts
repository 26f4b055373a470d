import type { types as slack } from "@slack/bolt";
import type { CardView } from "../../src/app/views.js";
import { parseChannelKey } from "../../src/domain/identity.js";
import { joinMd, LIMITS, md, mrkdwn, plain, type Mrkdwn } from "./block-kit.js";
import { PLATFORM } from "./inbound.js";
import { renderCardSummary } from "./render.js";

/** A Slack channel id, safe to put in a `<#…>` link. */
const CHANNEL_ID = /^[CG][A-Z0-9]+$/;

/** Where to vote on it: the channels of this workspace its card is in, as links (others' would not open here). */
function whereToVote(card: CardView, team: string): Mrkdwn | undefined {
  const here = (card.channels ?? []).filter((c) => c.platform === PLATFORM && parseChannelKey(c.key)?.scope === team && CHANNEL_ID.test(c.nativeId));
  return here.length ? md`Vote on its card in ${joinMd(here.slice(0, 3).map((c) => ({ markup: `<#${c.nativeId}>` })), " or ")}` : undefined;
}

/** The App Home tab: the releases this person manages or can vote on that are still live, each with where its card is. `team`: the viewer's workspace. */
export function renderHome(cards: CardView[], team: string): slack.HomeView {
  const blocks: slack.KnownBlock[] = [
    { type: "header", text: plain("Your releases", LIMITS.headerText) },
    { type: "context", elements: [mrkdwn(md`Upcoming and live releases you manage or can vote on. Vote on the card in its channel, or with \`/release vote R-1 go\`.`)] },
  ];
  if (!cards.length) {
    blocks.push({ type: "section", text: mrkdwn(md`Nothing live right now. Start one in a channel with \`/release create payments 1.4.2 at tomorrow 10:00\`, or just \`/release\`.`) });
  }
  // Each release takes two blocks; keep room for the heading and a "more" line within the 100-block limit.
  const room = Math.floor((LIMITS.viewBlocks - blocks.length - 1) / 2);
  for (const card of cards.slice(0, room)) blocks.push({ type: "divider" }, renderCardSummary(card, whereToVote(card, team)));
  if (cards.length > room) blocks.push({ type: "context", elements: [mrkdwn(md`…and ${cards.length - room} more: \`/release list\` shows them all.`)] });
  return { type: "home", blocks };
}

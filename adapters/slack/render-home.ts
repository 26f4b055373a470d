import type { types as slack } from "@slack/bolt";
import type { CardView } from "../../src/app/views.js";
import { LIMITS, md, mrkdwn, plain } from "./block-kit.js";
import { renderCardSummary } from "./render.js";

/** The App Home tab: the releases this person manages or can vote on that are still live. */
export function renderHome(cards: CardView[]): slack.HomeView {
  const blocks: slack.KnownBlock[] = [
    { type: "header", text: plain("Your releases", LIMITS.headerText) },
    { type: "context", elements: [mrkdwn(md`Upcoming and live releases you manage or can vote on. Vote on the card in its channel, or with \`/release vote R-1 go\`.`)] },
  ];
  if (!cards.length) {
    blocks.push({ type: "section", text: mrkdwn(md`Nothing live right now. Start one in a channel with \`/release create payments 1.4.2 at tomorrow 10:00\`, or just \`/release\`.`) });
  }
  // Each release takes two blocks; keep room for the heading and a "more" line within the 100-block limit.
  const room = Math.floor((LIMITS.viewBlocks - blocks.length - 1) / 2);
  for (const card of cards.slice(0, room)) blocks.push({ type: "divider" }, renderCardSummary(card));
  if (cards.length > room) blocks.push({ type: "context", elements: [mrkdwn(md`…and ${cards.length - room} more: \`/release list\` shows them all.`)] });
  return { type: "home", blocks };
}

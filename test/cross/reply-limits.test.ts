import { describe, expect, it } from "vitest";
import { renderCard } from "../../adapters/slack/render-card.js";
import { renderCardSummary, renderReplyMessage } from "../../adapters/slack/render.js";
import { checkMessage } from "../../fakes/slack-api.js";
import { cardView } from "../discord/card-fixture.js";

// `&`, `<` and `>` become 4–5 characters of Slack markup each.
const dense = (n: number) => "p99 > 800ms && 5xx > 2% on <checkout-eu> -> rollback? ".repeat(40).slice(0, n);

describe("a private answer on Slack too long for one message", () => {
  it("twenty-five release summaries with long no-go reasons: as many as fit, then a line saying the rest did not", () => {
    const cards = Array.from({ length: 25 }, (_, i) => cardView({ releaseId: `R-${i + 1}`, decision: "no_go", decisionLine: `NO-GO: blocked by no-go from a: ${dense(500)} · b: ${dense(500)}` }));
    const msg = renderReplyMessage({ text: "Open releases:", cards, error: false });
    expect(checkMessage({ text: msg.text, blocks: msg.blocks })).toBeNull();
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain("R-1");
    expect(json).toContain("the rest did not fit in one Slack message");
  });

  it("an audit timeline of long reasons: the first lines, then the same line", () => {
    const text = Array.from({ length: 60 }, (_, i) => `09:${String(i).padStart(2, "0")} dave voted NO-GO (${dense(500)})`).join("\n");
    const msg = renderReplyMessage({ text, cards: [], error: false });
    expect(checkMessage({ text: msg.text, blocks: msg.blocks })).toBeNull();
    expect(JSON.stringify(msg.blocks)).toContain("09:00 dave voted NO-GO");
    expect(JSON.stringify(msg.blocks)).toContain("the rest did not fit");
  });

  it("an answer with one card that nearly fills a message keeps the card's buttons: the card gives way, not its controls", () => {
    // A card just under the budget on its own (grown until it is), then an answer's text beside it.
    const votes = Array.from({ length: 300 }, (_, i) => ({ voterId: `slack:T1:U${1000 + i}`, voterName: `Voter ${i}`, choice: "go" as const, reason: null }));
    const notes = Array.from({ length: 9 }, (_, i) => `Held by admin: ${"x".repeat(480)} (${i})`);
    const withLock = (n: number) => cardView({ votes, tally: { go: 300, noGo: 0, abstain: 0 }, notes, description: "d".repeat(1500), guards: [{ kind: "lock", icon: "🔒", text: "l".repeat(n), until: null }] });
    let n = 0;
    while (n < 3000 && JSON.stringify(renderCard(withLock(n)).blocks).length < 10_800) n += 20;
    const card = withLock(n);
    expect(JSON.stringify(renderCard(card).blocks).length).toBeGreaterThanOrEqual(10_800);
    expect(JSON.stringify(renderCard(card).blocks).length).toBeLessThanOrEqual(11_000);
    const msg = renderReplyMessage({ text: `Your NO-GO on R-7 is in. ${"Decision: NO-GO. ".repeat(40)}`, cards: [card], error: false });
    expect(checkMessage({ text: msg.text, blocks: msg.blocks })).toBeNull();
    expect(msg.blocks.some((b) => b.type === "actions")).toBe(true);
    expect(JSON.stringify(msg.blocks)).not.toContain("did not fit");
  });

  it("an answer that fits is sent whole, with no such line", () => {
    const msg = renderReplyMessage({ text: "Your GO on R-1 is in.", cards: [cardView()], error: false });
    expect(JSON.stringify(msg.blocks)).not.toContain("did not fit");
  });
});

describe("a Slack summary line", () => {
  it("of a closed vote says its tally once; an open one adds the tally to the decision", () => {
    const closed = JSON.stringify(renderCardSummary(cardView({ state: "shipped", resolved: true, decision: "go", decisionLine: "Voting closed: 2 GO · 0 NO-GO · 0 abstain", tally: { go: 2, noGo: 0, abstain: 0 } })));
    expect(closed).toContain("Voting closed: 2 GO · 0 NO-GO · 0 abstain");
    expect(closed).not.toContain("· GO 2");
    expect(JSON.stringify(renderCardSummary(cardView()))).toContain("Pending: 1 of 2 GO · waiting for qa · GO 1 · NO-GO 0 · abstain 0");
  });
});


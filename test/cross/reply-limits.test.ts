import { describe, expect, it } from "vitest";
import { renderReplyMessage } from "../../adapters/slack/render.js";
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

  it("an answer that fits is sent whole, with no such line", () => {
    const msg = renderReplyMessage({ text: "Your GO on R-1 is in.", cards: [cardView()], error: false });
    expect(JSON.stringify(msg.blocks)).not.toContain("did not fit");
  });
});

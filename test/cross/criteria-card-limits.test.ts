import { describe, expect, it } from "vitest";
import type { CriterionLine } from "../../src/app/views.js";
import { MAX_CRITERIA } from "../../src/domain/criteria.js";
import { INPUT_LIMITS } from "../../src/domain/limits.js";
import { renderCard as renderSlackCard } from "../../adapters/slack/render-card.js";
import { safeLink as slackLink } from "../../adapters/slack/block-kit.js";
import { safeLink as discordLink } from "../../adapters/discord/markdown.js";
import { renderCard as renderDiscordCard } from "../../adapters/discord/render.js";
import { checkMessage } from "../../fakes/slack-api.js";
import { cardView, manyVotes } from "../discord/card-fixture.js";
import { limitProblems } from "../discord/limits-check.js";

/** The most a checklist can hold: every criterion with the longest name, note and link, set by CI and overridden. */
function fullChecklist(): CriterionLine[] {
  return Array.from({ length: MAX_CRITERIA }, (_, i) => ({
    name: `${"c".repeat(INPUT_LIMITS.criterion.max - 2)}${String(i).padStart(2, "0")}`,
    status: i % 3 === 0 ? "failed" : i % 3 === 1 ? "passed" : "pending",
    byName: "n".repeat(80),
    byCi: i % 2 === 0,
    overridden: i % 2 === 1,
    at: Date.UTC(2030, 0, 15, 9, i),
    atText: "Tue 15 Jan 2030 09:00 (Europe/Berlin)",
    note: "x".repeat(INPUT_LIMITS.checkNote.max),
    url: `https://ci.example/${"p".repeat(INPUT_LIMITS.evidenceUrl.max - 20)}`,
  }));
}

describe("a card with the most criteria it can hold stays within each platform's limits", () => {
  const criteria = fullChecklist();
  const card = cardView({ criteria, tickable: criteria.map((c) => c.name), votes: manyVotes(300), tally: { go: 300, noGo: 0, abstain: 0 } });

  it("on Slack: one checklist section, and a menu of pass and fail per criterion beside the vote buttons", () => {
    const msg = renderSlackCard({ ...card, managerId: "slack:T1:UMGR" });
    expect(checkMessage({ text: msg.text, blocks: msg.blocks })).toBeNull();
    const actions = msg.blocks.find((b) => b.type === "actions") as { elements: Array<{ type: string; options?: unknown[] }> };
    expect(actions.elements.map((e) => e.type)).toEqual(["button", "button", "button", "static_select"]);
    expect(actions.elements[3]!.options).toHaveLength(2 * MAX_CRITERIA);
  });

  it("on Discord: one checklist field cut to fit, and the menu in a row of its own", () => {
    const body = renderDiscordCard(card);
    expect(limitProblems(body)).toEqual([]);
    const field = body.embeds[0]!.fields!.find((f) => f.name === "Readiness criteria")!;
    expect(field.value.length).toBeLessThanOrEqual(1024);
    expect(field.value).toMatch(/… and \d+ more$/);
    expect(body.components).toHaveLength(2);
  });

  it("drops the menu once the release is decided, and a resolved card shows no controls at all", () => {
    expect(renderDiscordCard({ ...card, tickable: [] }).components).toHaveLength(1);
    expect(renderDiscordCard({ ...card, resolved: true }).components).toEqual([]);
    expect(renderSlackCard({ ...card, resolved: true }).blocks.some((b) => b.type === "actions")).toBe(false);
  });
});

describe("a card with every part at its longest, in text that escapes to several times its length", () => {
  // `&`, `<` and `>` become 4–5 characters of Slack markup each: the parts' caps are on markup.
  const dense = (n: number) => "p99 > 800ms && 5xx > 2% on <checkout-eu> -> rollback? ".repeat(40).slice(0, n);
  const slack = (i: number) => `slack:T1:U${String(i).padStart(8, "0")}`;
  const objections = Array.from({ length: 5 }, (_, i) => ({ voterId: slack(900 + i), voterName: `Objector ${i}`, choice: "no_go" as const, reason: `${dense(480)}\nsecond line` }));
  const criteria = fullChecklist();
  const card = cardView({
    managerId: slack(1),
    decision: "no_go",
    decisionLine: `NO-GO: ${objections.map((o) => `blocked by no-go from ${o.voterName}: ${o.reason}`).join(" · ")}`,
    pendingReasons: objections.map((o) => `blocked by no-go from ${o.voterName}: ${o.reason}`),
    alsoPendingLine: `Also pending: 1 of 2 GO · waiting for qa · waiting for security · criteria open: ${criteria.map((c) => c.name).join(", ")}`,
    description: dense(1500),
    guards: [
      { kind: "lock", icon: "🔒", text: `payments → production is locked by admin: ${dense(500)}`, until: null },
      { kind: "freeze", icon: "🧊", text: `Freeze on: ${dense(200)} — until`, until: { at: Date.UTC(2030, 0, 16), text: "Wed 16 Jan 00:00 (UTC)" } },
      { kind: "queue", icon: "⏳", text: `2nd in the queue for payments → production behind R-3 and R-4 ${dense(100)}`, until: null },
    ],
    votes: [...Array.from({ length: 300 }, (_, i) => ({ voterId: slack(i + 10), voterName: `Firstname Lastname-Longer ${i}`, choice: i % 4 ? ("go" as const) : ("abstain" as const), reason: null })), ...objections],
    tally: { go: 225, noGo: 5, abstain: 75 },
    criteria,
    tickable: criteria.map((c) => c.name),
    notes: Array.from({ length: 9 }, (_, i) => `Held by admin: ${dense(480)} (${i})`),
  });

  it("fits one Slack message, keeping the decision, each choice's count, the checklist and every control", () => {
    const msg = renderSlackCard(card);
    expect(checkMessage({ text: msg.text, blocks: msg.blocks })).toBeNull();
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain("NO-GO: blocked by no-go from Objector 0");
    // What else it waits for follows the NO-GO, cut to its budget like the rest.
    expect(json).toMatch(/NO-GO: blocked by no-go from Objector 0[^"]*\*\\nAlso pending: 1 of 2 GO · waiting for qa/);
    expect(json).toContain("*NO-GO* (5)");
    expect(json).toContain("*GO* (225)");
    expect(json).toContain("Readiness criteria");
    const actions = msg.blocks.find((b) => b.type === "actions") as { elements: Array<{ type: string }> };
    expect(actions.elements.map((e) => e.type)).toEqual(["button", "button", "button", "static_select"]);
  });

  it("keeps a reason typed on several lines on one line inside the card's italics and bold", () => {
    const json = JSON.stringify(renderSlackCard(card).blocks);
    expect(json).not.toMatch(/_[^_]*\\nsecond line/);
    expect(json).toContain(" second line");
  });

  it("draws an ordinary card in full: the tighter budgets are only for a card that would not fit", () => {
    const ordinary = cardView({ managerId: slack(1), description: "x".repeat(1400), votes: manyVotes(30) });
    expect(JSON.stringify(renderSlackCard(ordinary).blocks)).toContain("x".repeat(1399));
  });
});

describe("an evidence link on the card can only be a link to itself", () => {
  const hostile = "https://ci.example/run/1?a=1&b=<@U1>|x)](javascript:alert(1))";

  it("on Slack: the characters that end `<url|label>` are percent-encoded and `&` is an entity", () => {
    expect(slackLink(hostile, "evidence").markup).toBe("<https://ci.example/run/1?a=1&amp;b=%3C@U1%3E%7Cx)](javascript:alert(1))|evidence>");
    expect(slackLink("javascript:alert(1)", "evidence").markup).toBe("javascript:alert(1)");
  });

  it("on Discord: the characters that end `[label](url)` are percent-encoded", () => {
    expect(discordLink(hostile, "evidence").markup).toBe("[evidence](https://ci.example/run/1?a=1&b=%3C@U1%3E|x%29%5D%28javascript:alert%281%29%29)");
    expect(discordLink("javascript:alert(1)", "evidence").markup).toBe("javascript:alert(1)");
  });
});

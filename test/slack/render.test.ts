import { describe, expect, it } from "vitest";
import type { CardView, VoteLine } from "../../src/app/views.js";
import { createForm } from "../../src/app/forms.js";
import { renderCard } from "../../adapters/slack/render-card.js";
import { renderNotice, renderReplyMessage } from "../../adapters/slack/render.js";
import { modalErrors, renderModal } from "../../adapters/slack/render-form.js";
import { renderHome } from "../../adapters/slack/render-home.js";
import { actionId, buttonValue, decodeMetadata, encodeMetadata, parseButton, parseCallbackId } from "../../adapters/slack/ids.js";
import { formValues, isoFromUnixSeconds, translateCommandText } from "../../adapters/slack/inbound.js";
import { checkMessage, checkView } from "../../fakes/slack-api.js";

function card(overrides: Partial<CardView> = {}): CardView {
  return {
    releaseId: "R-7",
    title: "payments 1.4.2 → production",
    service: "payments",
    version: "1.4.2",
    environment: "production",
    description: "Adds SEPA instant. <https://ci.example.com/changelog|changelog> & more",
    state: "voting",
    stateLabel: "Voting",
    managerId: "slack:T1:UMGR",
    managerName: "mia",
    decision: "pending",
    decisionLine: "Pending: 1 of 2 GO · waiting for qa",
    alsoPendingLine: null,
    pendingReasons: ["1 of 2 GO", "waiting for qa"],
    tally: { go: 1, noGo: 0, abstain: 0 },
    votes: [{ voterId: "slack:T1:UQA", voterName: "quinn", choice: "go", reason: null }],
    scheduledAt: Date.UTC(2030, 0, 15, 14, 0),
    scheduledText: "Tue 15 Jan 2030 14:00 (UTC)",
    timezone: "UTC",
    countdownLine: "T-0 in 5h · next reminder T-1h",
    nextReminder: "T-1h",
    notes: [],
    buttons: [
      { action: "go", label: "Go", style: "primary" },
      { action: "no_go", label: "No-go", style: "danger" },
      { action: "abstain", label: "Abstain", style: "default" },
    ],
    criteria: [],
    tickable: [],
    resolved: false,
    fallbackText: "R-7 payments 1.4.2 → production [Voting]",
    ...overrides,
  };
}

function hundredVoters(): VoteLine[] {
  return Array.from({ length: 100 }, (_, i) => {
    const choice: VoteLine["choice"] = i % 3 === 0 ? "no_go" : i % 3 === 1 ? "go" : "abstain";
    return {
      voterId: i % 10 === 0 ? `discord:G1:${1000 + i}` : `slack:T1:U${String(i).padStart(10, "0")}`,
      voterName: `voter-with-a-rather-long-display-name-${i}`,
      choice,
      reason: choice === "no_go" ? `the migration is not reversible & <staging> ${"is still red ".repeat(40)}` : null,
    } satisfies VoteLine;
  });
}

function allText(blocks: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        if (k === "text" && typeof child === "string") out.push(child);
        else walk(child);
      }
    }
  };
  walk(blocks);
  return out;
}

describe("Slack release card", () => {
  it("shows the release, its decision, the voters, a local-time date token and the buttons that fit", () => {
    const msg = renderCard(card());
    const text = allText(msg.blocks).join("\n");
    expect(msg.blocks[0]).toMatchObject({ type: "header", text: { text: "payments 1.4.2 → production" } });
    expect(text).toContain("Pending: 1 of 2 GO · waiting for qa");
    expect(text).toContain("<@UQA>");
    expect(text).toContain(`<!date^${Date.UTC(2030, 0, 15, 14, 0) / 1000}^{date_short_pretty} {time}|Tue 15 Jan 2030 14:00 (UTC)>`);
    expect(text).toContain("T-0 in 5h · next reminder T-1h");
    // User text cannot inject Slack markup: the description's angle brackets and ampersand are escaped.
    expect(text).toContain("&lt;https://ci.example.com/changelog|changelog&gt; &amp; more");
    const actions = msg.blocks.find((b) => b.type === "actions") as { elements: { text: { text: string }; style?: string; action_id: string; value: string }[] };
    expect(actions.elements.map((e) => [e.text.text, e.style])).toEqual([
      ["Go", "primary"],
      ["No-go", "danger"],
      ["Abstain", undefined],
    ]);
    expect(parseButton(actions.elements[1]!.action_id, actions.elements[1]!.value)).toEqual({ ok: true, action: "no_go", releaseId: "R-7" });
    expect(checkMessage({ text: msg.text, blocks: msg.blocks })).toBeNull();
  });

  it("shows no-go reasons and names people from other platforms by name", () => {
    const text = allText(
      renderCard(card({ votes: [{ voterId: "discord:G1:42", voterName: "dana", choice: "no_go", reason: "error budget spent" }], tally: { go: 0, noGo: 1, abstain: 0 }, decision: "no_go", decisionLine: "NO-GO" })).blocks,
    ).join("\n");
    expect(text).toContain("NO-GO");
    expect(text).toContain("dana: _error budget spent_");
  });

  it("has no live buttons once resolved", () => {
    const msg = renderCard(card({ state: "cancelled", stateLabel: "Cancelled", resolved: true, buttons: [] }));
    expect(msg.blocks.some((b) => b.type === "actions")).toBe(false);
  });

  it("stays within Slack's limits for a release with 100 voters and long reasons", () => {
    const votes = hundredVoters();
    const msg = renderCard(
      card({
        votes,
        tally: { go: votes.filter((v) => v.choice === "go").length, noGo: votes.filter((v) => v.choice === "no_go").length, abstain: votes.filter((v) => v.choice === "abstain").length },
        description: "x".repeat(5000),
        notes: Array.from({ length: 30 }, (_, i) => `note ${i} ${"y".repeat(400)}`),
        title: "a-service-with-a-very-long-name ".repeat(10),
      }),
    );
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    for (const t of allText(msg.blocks)) expect(t.length).toBeLessThanOrEqual(3000);
    for (const b of msg.blocks) {
      if (b.type !== "actions") continue;
      for (const e of b.elements as { action_id: string; value: string }[]) {
        expect(e.action_id.length).toBeLessThanOrEqual(255);
        expect(e.value.length).toBeLessThanOrEqual(255);
      }
    }
    expect(JSON.stringify(msg.blocks).length).toBeLessThan(13_200);
    expect(checkMessage({ text: msg.text, blocks: msg.blocks })).toBeNull();
    const text = allText(msg.blocks).join("\n");
    // The tally is always complete even when not every name fits.
    expect(text).toContain("*GO* (33)");
    expect(text).toContain("*NO-GO* (34)");
    expect(text).toMatch(/…and \d+ more/);
  });

  it("shows a lock's unlock command as code that copies back exactly, not as lookalike backticks", () => {
    const guards = [{ kind: "lock" as const, icon: "🔒", text: "api production is locked by rita: db_migration — nothing ships until `/release unlock api production reason <text>`", until: null }];
    const text = allText(renderCard(card({ guards })).blocks).join("\n");
    expect(text).toContain("🔒 *api production is locked by rita: db_migration — nothing ships until `/release unlock api production reason &lt;text&gt;`*");
  });

  it("names the votes that fit and counts every other one, with thousands of voters", () => {
    const votes = Array.from({ length: 3000 }, (_, i) => ({ voterId: `slack:T1:U${String(i).padStart(6, "0")}`, voterName: `user ${i}`, choice: "go" as const, reason: null }));
    const text = allText(renderCard(card({ votes, tally: { go: 3000, noGo: 0, abstain: 0 } })).blocks).join("\n");
    const named = text.match(/<@U\d{6}>/g)?.length ?? 0;
    const counted = Number(/…and (\d+) more/.exec(text)?.[1]);
    expect(named).toBeGreaterThan(50);
    expect(named + counted).toBe(3000);
  });

  it("keeps every NO-GO reason on the card when hundreds voted GO", () => {
    const gos = Array.from({ length: 800 }, (_, i) => ({ voterId: `slack:T1:U${String(i).padStart(6, "0")}`, voterName: `user ${i}`, choice: "go" as const, reason: null }));
    const noGos = [
      { voterId: "slack:T1:UDBA", voterName: "dba", choice: "no_go" as const, reason: "migration 0042 locks the orders table" },
      { voterId: "slack:T1:USRE", voterName: "sre", choice: "no_go" as const, reason: "error budget spent" },
    ];
    const abstains = Array.from({ length: 300 }, (_, i) => ({ voterId: `slack:T1:UA${String(i).padStart(5, "0")}`, voterName: `a ${i}`, choice: "abstain" as const, reason: null }));
    const msg = renderCard(card({ votes: [...gos, ...noGos, ...abstains], tally: { go: 800, noGo: 2, abstain: 300 }, decision: "no_go", decisionLine: "NO-GO" }));
    const text = allText(msg.blocks).join("\n");
    expect(text).toContain("<@UDBA>: _migration 0042 locks the orders table_");
    expect(text).toContain("<@USRE>: _error budget spent_");
    // Each long list ends in its own count, and the message stays within Slack's limits.
    const counts = [...text.matchAll(/…and (\d+) more/g)].map((m) => Number(m[1]));
    expect(counts).toHaveLength(2);
    expect(counts[0]! + (text.match(/<@U\d{6}>/g)?.length ?? 0)).toBe(800);
    expect(counts[1]! + (text.match(/<@UA\d{5}>/g)?.length ?? 0)).toBe(300);
    expect(checkMessage({ text: msg.text, blocks: msg.blocks })).toBeNull();
  });

  it("renders an ephemeral reply with many cards as summaries within 50 blocks", () => {
    const cards = Array.from({ length: 80 }, (_, i) => card({ releaseId: `R-${i + 1}` }));
    const msg = renderReplyMessage({ text: "Open releases:", cards, error: false });
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    expect(allText(msg.blocks).join("\n")).toContain("more");
    expect(checkMessage({ text: msg.text, blocks: msg.blocks })).toBeNull();
  });

  it("mentions the voters and groups a reminder is waiting for", () => {
    const msg = renderNotice({ releaseId: "R-7", text: "T-15m: still waiting for qa", mention: ["slack:T1:UQA", "discord:G1:9"], mentionGroups: ["slack-group:T1:S77", "discord-role:G1:R1"], buttons: [] });
    expect(msg.text).toContain("<@UQA>");
    expect(msg.text).toContain("<!subteam^S77>");
    expect(msg.text).not.toContain("discord");
  });
});

describe("Slack modals and App Home", () => {
  it("turns the create form into a modal with a datetimepicker and metadata that comes back on submit", () => {
    const view = renderModal(createForm(), { release: null, channel: "C1", team: "T1" });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(JSON.stringify(view.blocks)).toContain('"type":"datetimepicker"');
    expect(decodeMetadata(view.private_metadata)).toEqual({ release: null, channel: "C1", team: "T1" });
    expect(parseCallbackId(view.callback_id)).toEqual({ ok: true, form: "create" });
    expect(checkView({ view })).toBeNull();
  });

  it("keeps long titles within Slack's 24 characters", () => {
    const view = renderModal({ ...createForm(), title: "Roll back R-123456789 right now?" }, { release: "R-123456789", channel: "C1", team: "T1" });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(checkView({ view })).toBeNull();
  });

  it("puts field errors on the field's block, and unknown fields on the first one", () => {
    expect(modalErrors({ reason: "Reason is required.", other: "Nope." }, ["reason"])).toEqual({ "field:reason": "Reason is required. Nope." });
  });

  it("reads a submitted datetimepicker as an ISO time the core parses", () => {
    expect(isoFromUnixSeconds(1894705200)).toBe("2030-01-15T11:00:00Z");
    expect(formValues({ values: { "field:when": { input: { type: "datetimepicker", selected_date_time: 1894705200 } }, "field:service": { input: { type: "plain_text_input", value: " payments " } }, "field:description": { input: { type: "plain_text_input", value: null } } } })).toEqual({
      when: "2030-01-15T11:00:00Z",
      service: "payments",
      description: "",
    });
  });

  it("lists at most what fits in a Home tab", () => {
    const view = renderHome(Array.from({ length: 120 }, (_, i) => card({ releaseId: `R-${i}` })), "T1");
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(checkView({ view })).toBeNull();
    expect(allText(renderHome([], "T1").blocks).join(" ")).toContain("Nothing live right now");
  });
});

describe("Slack ids and command text", () => {
  it("tells stale buttons from tampered ones", () => {
    expect(parseButton(actionId("go"), buttonValue("R-3"))).toEqual({ ok: true, action: "go", releaseId: "R-3" });
    expect(parseButton("gonogo:v0:go", "v0:R-3")).toEqual({ ok: false, reason: "stale" });
    expect(parseButton(actionId("go"), "v1:R-3; DROP TABLE")).toEqual({ ok: false, reason: "tampered" });
    expect(parseButton(actionId("go"), "v1:" + "9".repeat(3000))).toEqual({ ok: false, reason: "tampered" });
    expect(parseButton("gonogo:v1:delete_everything", buttonValue("R-3"))).toEqual({ ok: false, reason: "tampered" });
    expect(decodeMetadata(encodeMetadata({ release: "R-1", channel: "C1", team: "T1" }).replace("R-1", "R-1x"))).toBeNull();
  });

  it("turns Slack mentions into qualified ids and unescapes entities", () => {
    expect(translateCommandText("role grant <!subteam^S0614TZR7|@qa> qa", "T1")).toBe("role grant slack-group:T1:S0614TZR7 qa");
    expect(translateCommandText("create api 2.0 manager <@U024BE7LH|bob> desc fixes &lt;b&gt; &amp; <https://x.io/c|changelog>", "T1")).toBe(
      "create api 2.0 manager slack:T1:U024BE7LH desc fixes <b> & https://x.io/c",
    );
    expect(translateCommandText("role grant <@W123> admin in <#C9|ops>", "T1")).toBe("role grant slack:T1:W123 admin in #ops");
  });
});

describe("the core's own marks and the renderer's emoji, in Slack mrkdwn", () => {
  const sectionsOf = (msg: { blocks: unknown[] }) => (msg.blocks as Array<{ type: string; text?: { text: string } }>).flatMap((b) => (b.type === "section" && b.text ? [b.text.text] : []));

  it("shows the state and decision emoji by their names: underscores in an emoji code are not escaped", () => {
    const [summary] = sectionsOf(renderCard(card({ state: "held", stateLabel: "On hold" }))).slice(0, 1);
    expect(summary).toContain(":double_vertical_bar: *On hold*");
    expect(summary).toContain(":hourglass_flowing_sand: *Pending: 1 of 2 GO · waiting for qa*");
  });

  it("renders `commands` and ``` blocks as code a person can copy, keeps underscores inside words, and still makes everything else inert", () => {
    const text = [
      "Policy: self_approval=on, no_go_reason=required. Change it with `/release policy set quorum=2 <you>`.",
      "Add your id to GONOGO_ADMINS. _not italic_ *not bold* <!channel> @here",
      "```",
      "10:00  alice state rolling_back → rolled_back",
      "```",
    ].join("\n");
    const [first] = sectionsOf(renderReplyMessage({ text, cards: [], error: false }));
    expect(first).toContain("self_approval=on, no_go_reason=required");
    expect(first).toContain("`/release policy set quorum=2 &lt;you&gt;`");
    expect(first).toContain("GONOGO_ADMINS");
    expect(first).toContain("```\n10:00  alice state rolling_back → rolled_back\n```");
    // Prose typed by anyone stays text: no italics, no bold, no mention, no @here.
    expect(first).not.toMatch(/(^|\s)_not italic_/);
    expect(first).not.toContain("*not bold*");
    expect(first).toContain("&lt;!channel&gt;");
    expect(first).not.toMatch(/@here/);
  });

  it("keeps a long code block code on both sides of a cut between sections", () => {
    const lines = Array.from({ length: 120 }, (_, i) => `Tue 15 Jan 2030 10:${String(i % 60).padStart(2, "0")}  voter-${i} voted GO`);
    const sections = sectionsOf(renderReplyMessage({ text: ["Audit trail of R-1 (UTC):", "```", ...lines, "```"].join("\n"), cards: [], error: false }));
    expect(sections.length).toBeGreaterThan(1);
    for (const s of sections) expect(s.length).toBeLessThanOrEqual(3000);
    for (const s of sections.slice(1)) expect(s.startsWith("```")).toBe(true);
    for (const s of sections) expect(s.split("```").length % 2).toBe(1); // every section opens and closes its fences
    expect(sections.join("\n")).toContain("voter-119 voted GO");
  });

  it("names a person or group in a reply line by its mention, and someone from another platform by name", () => {
    const lines = [[{ subject: "slack:T1:UONCALL", text: "UONCALL" }, " now has the role oncall."], ["• qa: ", { subject: "slack-group:T1:S9", text: "S9" }, ", ", { subject: "discord:G1:42", text: "42" }]];
    const message = renderReplyMessage({ text: "", cards: [], error: false, lines });
    expect(sectionsOf(message)).toEqual(["<@UONCALL> now has the role oncall.\n• qa: <!subteam^S9>, 42"]);
    // The notification text too: a raw id (`UONCALL now has…`) tells nobody who it is.
    expect(message.text).toBe("<@UONCALL> now has the role oncall.\n• qa: <!subteam^S9>, 42");
  });

  it("shows a form error as plain text without the core's backticks (Slack shows field errors as plain text)", () => {
    expect(modalErrors({ reason: "Say why: `no-go because <reason>`." }, ["reason"])).toEqual({ "field:reason": "Say why: no-go because <reason>." });
  });
});

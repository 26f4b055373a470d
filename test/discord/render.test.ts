import { ButtonStyle, ComponentType } from "discord.js";
import { describe, expect, it } from "vitest";
import { parseCustomId } from "../../adapters/discord/ids.js";
import { renderFormErrors, renderModal } from "../../adapters/discord/render-form.js";
import { renderCard, renderNotice, renderReplyMessage } from "../../adapters/discord/render.js";
import { cardView, manyVotes } from "./card-fixture.js";
import { limitProblems } from "./limits-check.js";

const G = "1187331275440648213";

describe("the release card as a Discord embed", () => {
  it("shows state, decision, votes and the release time as local and live relative time", () => {
    const body = renderCard(cardView());
    const e = body.embeds[0]!;
    expect(e.title).toBe("R-7 · payments 1.4.2 → production");
    expect(e.description).toContain("**Pending: 1 of 2 GO · waiting for qa**");
    const unix = Date.UTC(2030, 0, 15, 14, 0) / 1000;
    expect(e.fields!.find((f) => f.name === "Release time")!.value).toBe(`<t:${unix}:F>\n<t:${unix}:R>\nNext reminder at T-60m`);
    expect(e.fields!.find((f) => f.name === "GO (1)")!.value).toBe("• Member 1");
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it("shows the guardrails: a freeze's end as each viewer's local time, lock and queue lines with typed text kept inert", () => {
    const end = Date.UTC(2031, 0, 5, 8, 0);
    const e = renderCard(
      cardView({
        guards: [
          { kind: "freeze", icon: "⛔", text: "in freeze 'year-end *now*' until", until: { at: end, text: "Sun 5 Jan 09:00" } },
          { kind: "queue", icon: "⏳", text: "queued behind R-6: ships when R-6 is shipped or rolled back", until: null },
          { kind: "lock", icon: "🔒", text: "locked by rita: db migration — nothing ships until `/release unlock api production reason <text>`", until: null },
        ],
      }),
    ).embeds[0]!;
    expect(e.fields!.find((f) => f.name === "Guardrails")!.value).toBe(
      `⛔ in freeze 'year-end \\*now\\*' until <t:${end / 1000}:F>\n⏳ queued behind R-6: ships when R-6 is shipped or rolled back\n🔒 locked by rita: db migration — nothing ships until \`/release lock action:unlock service:api environment:production reason:<text>\``,
    );
  });

  it("leaves a bare link as typed, so it opens where it says, and keeps the text around it inert", () => {
    const m = renderReplyMessage("Open https://gonogo.example.com/web/login?t=ab_cd*ef_gh. It is *yours* for 1h (see https://x.example/a_b).", []);
    expect(m.content).toBe("Open https://gonogo.example.com/web/login?t=ab_cd*ef_gh. It is \\*yours\\* for 1h (see https://x.example/a_b).");
  });

  it("lists reply lines with instants in each viewer's local time", () => {
    const at = Date.UTC(2030, 11, 23, 23, 0);
    const m = renderReplyMessage("Freeze windows:", [], [["• F-1 ", { at, text: "Tue 24 Dec 2030 00:00 (Europe/Berlin)" }, " · year-end"]]);
    expect(m.content).toBe(`Freeze windows:\n• F-1 <t:${at / 1000}:F> · year-end`);
  });

  it("gives Go, No-go and Abstain buttons their Discord styles", () => {
    const row = renderCard(cardView()).components[0]!;
    expect(row.components.map((b) => [b.type, "style" in b && b.style, "custom_id" in b && parseCustomId(b.custom_id)])).toEqual([
      [ComponentType.Button, ButtonStyle.Success, { kind: "button", action: "go", releaseId: "R-7" }],
      [ComponentType.Button, ButtonStyle.Danger, { kind: "button", action: "no_go", releaseId: "R-7" }],
      [ComponentType.Button, ButtonStyle.Secondary, { kind: "button", action: "abstain", releaseId: "R-7" }],
    ]);
  });

  it("drops the buttons once the release is resolved", () => {
    expect(renderCard(cardView({ state: "closed", stateLabel: "Closed", resolved: true })).components).toEqual([]);
  });

  it("stays within every embed and component limit with 100 voters, long notes and many buttons", () => {
    const card = cardView({
      votes: manyVotes(100),
      title: "x".repeat(400),
      description: "d".repeat(5000),
      notes: Array.from({ length: 40 }, (_, i) => `note ${i}: ${"n".repeat(80)}`),
      buttons: [...cardView().buttons, { action: "rollback", label: "Roll back".repeat(20), style: "danger" }, { action: "retro", label: "Add retro notes", style: "primary" }, { action: "go", label: "Go again", style: "primary" }],
    });
    const body = renderCard(card);
    expect(limitProblems(body)).toEqual([]);
    const go = body.embeds[0]!.fields!.find((f) => f.name.startsWith("GO ("))!;
    expect(go.value).toMatch(/… and \d+ more$/);
  });

  it("keeps a reply with many cards within the limits", () => {
    const cards = Array.from({ length: 14 }, (_, i) => cardView({ releaseId: `R-${i}`, votes: manyVotes(30) }));
    const reply = renderReplyMessage("Open releases:", cards);
    expect(limitProblems(reply)).toEqual([]);
    expect(reply.embeds).toHaveLength(10);
    expect(reply.content).toContain("and 4 more");
  });
});

describe("notices and modals", () => {
  it("replies to the card and mentions only this server's members and roles", () => {
    const body = renderNotice(
      { releaseId: "R-7", text: "⏰ T-15m: still waiting for Member 2", mention: [`discord:${G}:111111111111111111`, "slack:T1:U2", "discord:999999999999999999:222222222222222222"], mentionGroups: [`discord-role:${G}:1187331812277321738`], buttons: [] },
      G,
      "1187500000000000001",
    );
    expect(body.content).toBe("⏰ T-15m: still waiting for Member 2\n<@111111111111111111> <@&1187331812277321738>");
    expect(body.allowed_mentions).toEqual({ parse: [], users: ["111111111111111111"], roles: ["1187331812277321738"], replied_user: false });
    expect(body.message_reference).toEqual({ message_id: "1187500000000000001", fail_if_not_exists: false });
  });

  it("builds a modal with the context and one labelled input per field", () => {
    const modal = renderModal({
      form: "retro",
      releaseId: "R-7",
      title: "Retro for R-7 with a title far longer than forty-five characters",
      context: "payments 1.4.2 → production.",
      submitLabel: "Save",
      fields: [
        { key: "went_well", label: "What went well", kind: "multiline", required: false, maxLength: 1000 },
        { key: "when", label: "When", kind: "datetime", required: true, maxLength: 9000, placeholder: "p".repeat(150) },
      ],
    });
    expect(modal.custom_id).toBe("g1:f:retro:R-7");
    expect(modal.title.length).toBeLessThanOrEqual(45);
    expect(modal.components[0]).toEqual({ type: ComponentType.TextDisplay, content: "payments 1.4.2 → production." });
    expect(modal.components[1]).toMatchObject({ type: ComponentType.Label, label: "What went well", component: { custom_id: "went_well", style: 2, required: false, max_length: 1000 } });
    expect(modal.components[2]).toMatchObject({ component: { custom_id: "when", style: 1, required: true, max_length: 4000 } });
  });
});

describe("buttons by release state", () => {
  it("renders Roll back red and Add retro notes blue, and never more than 5 rows of 5", () => {
    const shipped = renderCard(cardView({ state: "shipped", stateLabel: "Shipped", buttons: [{ action: "rollback", label: "Roll back", style: "danger" }, { action: "retro", label: "Add retro notes", style: "default" }] }));
    expect(shipped.components[0]!.components.map((b) => ("style" in b ? b.style : null))).toEqual([ButtonStyle.Danger, ButtonStyle.Primary]);
    const many = Array.from({ length: 40 }, (_, i) => ({ action: (["go", "no_go", "abstain", "rollback", "retro"] as const)[i % 5]!, label: `b${i}`, style: "default" as const }));
    const body = renderCard(cardView({ buttons: many }));
    expect(limitProblems(body)).toEqual([]);
    expect(body.components.flatMap((r) => r.components)).toHaveLength(5);
  });

  it("counts down in the client and names the next reminder, with no countdown text to go stale", () => {
    expect(JSON.stringify(renderCard(cardView()))).not.toContain("T-0 in 5h");
    // The same card an hour later renders the same message: nothing to edit as time passes.
    expect(renderCard(cardView({ countdownLine: "T-0 in 4h · next reminder T-60m" }))).toEqual(renderCard(cardView()));
    const held = renderCard(cardView({ state: "held", stateLabel: "On hold", countdownLine: "Countdown stopped: on hold", nextReminder: null })).embeds[0]!;
    expect(held.fields!.find((f) => f.name === "Release time")!.value).not.toContain("Next reminder");
    // A held release's T-0 will not run: no live "in 1 hour" counting down to it.
    expect(held.fields!.find((f) => f.name === "Release time")!.value).not.toMatch(/<t:\d+:R>/);
    expect(held.fields!.find((f) => f.name === "Release time")!.value).toContain("Countdown stopped: on hold");
    const cancelled = renderCard(cardView({ state: "cancelled", stateLabel: "Cancelled", countdownLine: null, nextReminder: null, resolved: true, buttons: [] })).embeds[0]!;
    expect(cancelled.fields!.find((f) => f.name === "Release time")!.value).not.toMatch(/<t:\d+:R>/);
    expect(held.fields!.find((f) => f.name === "State")!.value).toBe("On hold");
  });
});

describe("/release help in Discord", () => {
  it("fits one message whole: every command line arrives, none is cut off", async () => {
    const { help } = await import("../../src/app/use-cases/queries.js");
    const reply = help("discord");
    if (reply.type !== "message") throw new Error("help is a message");
    const { content } = renderReplyMessage(reply.text, []);
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(content).toContain("/release audit verify");
    expect(content.endsWith("unlink is `/release link` action unlink.")).toBe(true);
  });
});

describe("the core's own marks in Discord markdown", () => {
  it("renders `commands` and ``` blocks as code a person can copy, and still makes everything else inert", () => {
    const text = ["Change it with `/release policy set self_approval=off`.", "_not italic_ **not bold** @everyone", "```", "W49 30 Nov     0         0      █ 1", "```"].join("\n");
    const { content } = renderReplyMessage(text, []);
    // Its command hint in Discord's option syntax, which a person can type there.
    expect(content).toContain("`/release policy set:self_approval=off`");
    expect(content).toContain("```\nW49 30 Nov     0         0      █ 1\n```");
    expect(content).toContain("\\_not italic\\_ \\*\\*not bold\\*\\*");
    expect(content).not.toContain("@everyone");
  });

  it("says a form's error once when it is about the one field", () => {
    expect(renderFormErrors("A no-go needs a reason: say what blocks it.", { reason: "A no-go needs a reason: say what blocks it." })).toBe("A no-go needs a reason: say what blocks it.");
    expect(renderFormErrors("Some fields need another look:", { when: "`soon` is not a time." })).toBe("Some fields need another look:\n• **when**: `soon` is not a time.");
  });
});

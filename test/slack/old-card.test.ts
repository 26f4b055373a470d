import Database from "better-sqlite3";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeCall } from "../../fakes/slack-api.js";
import { blockActionsPayload, interactiveBody, postSigned, startHarness, viewSubmissionPayload, visibleText, type Harness } from "./harness.js";

/*
 * A card gonogo 747a638 posted in a Slack channel is pressed after the team upgraded: the message
 * still carries that version's action ids and values. The database and the cards as Slack last
 * held them were made by that version through the real Bolt app against the fake Slack
 * (test/fixtures/upgrade/make-slack-747a638.ts.txt): R-1 voting with a criteria menu, R-2 shipped.
 */

const FIXTURES = fileURLToPath(new URL("../fixtures/upgrade/", import.meta.url));
interface OldCard {
  channel: string;
  ts: string;
  text: string;
  blocks: Array<{ type: string; block_id?: string; elements?: Array<{ type: string; action_id: string; value?: string; text?: { text: string }; options?: Array<{ text: { text: string }; value: string }> }> }>;
}
const old = JSON.parse(readFileSync(join(FIXTURES, "slack-747a638-cards.json"), "utf8")) as { now: number; cards: OldCard[] };

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = dir = undefined;
});

async function upgraded(): Promise<Harness> {
  dir = mkdtempSync(join(tmpdir(), "gonogo-old-card-"));
  const db = new Database(join(dir, "gonogo.db"));
  db.exec(readFileSync(join(FIXTURES, "slack-747a638.sql"), "utf8"));
  db.close();
  h = await startHarness({ dir, now: old.now + 60_000 });
  await h.core.bot.start();
  return h;
}

/**
 * Slack never sends a trigger_id twice, but the fake's counter starts again in each process: the
 * old session's claims (event_claims, kept a day) hold its first ones, so each request here gets its own.
 */
let triggers = 0;
const send = (h: Harness, payload: Record<string, unknown>) => postSigned(h.url, interactiveBody({ ...payload, trigger_id: `upgrade-${++triggers}.111.after` }), "application/x-www-form-urlencoded");
const submit = (h: Harness, user: string, opened: FakeCall, values: Record<string, string>) => send(h, viewSubmissionPayload(opened, user, values));

/** The old message as Slack keeps it, in the shape the fake records a post. */
const message = (card: OldCard): FakeCall => ({ method: "chat.postMessage", params: { channel: card.channel, text: card.text, blocks: card.blocks }, token: null, at: 0, result: { ts: card.ts } });

function element(card: OldCard, type: string, label?: string) {
  for (const b of card.blocks) for (const e of b.elements ?? []) if (e.type === type && (label === undefined || e.text?.text === label)) return { block: b, e };
  throw new Error(`no ${type} ${label ?? ""} on the old card`);
}

function pressOld(h: Harness, user: string, card: OldCard, label: string) {
  const { block, e } = element(card, "button", label);
  const payload = blockActionsPayload(h.fake, user, message(card), { action_id: e.action_id, value: e.value!, block_id: block.block_id ?? "" }, label);
  return send(h, payload);
}

describe("Slack: a card posted by gonogo 747a638, pressed after the upgrade", () => {
  it("counts a GO from its Go button and edits that same message", async () => {
    const h = await upgraded();
    const r1 = old.cards[0]!;
    expect((await pressOld(h, "UQA", r1, "Go")).status).toBe(200);
    expect((await h.core.store.getVotes("R-1")).map((v) => [v.voter, v.choice])).toEqual([["slack:T1:UQA", "go"]]);
    await h.fake.waitFor("chat.update", (c) => c.params.ts === r1.ts && c.params.channel === r1.channel && visibleText(c).includes("quinn"), 4000);
  });

  it("ticks a criterion from its criteria menu, by the option value that version wrote", async () => {
    const h = await upgraded();
    const r1 = old.cards[0]!;
    const { block, e } = element(r1, "static_select");
    const option = e.options!.find((o) => o.value === "v1:R-1:tests:pass")!;
    const payload = blockActionsPayload(h.fake, "UADMIN", message(r1), { action_id: e.action_id, value: "", block_id: block.block_id ?? "" }, option.text.text);
    payload.actions = [{ type: "static_select", action_id: e.action_id, block_id: block.block_id, selected_option: option, action_ts: "1.000100" }];
    expect((await send(h, payload)).status).toBe(200);
    const modal = await h.fake.waitFor("views.open");
    expect(visibleText(modal)).toContain("Mark tests on R-1");
    expect((await submit(h, "UADMIN", modal, { note: "green" })).status).toBe(200);
    await h.fake.waitFor("chat.update", (c) => c.params.ts === r1.ts && visibleText(c).includes("*tests* passed"), 4000);
  });

  it("opens the rollback form from a shipped release's Roll back button", async () => {
    const h = await upgraded();
    const r2 = old.cards[1]!;
    expect((await pressOld(h, "UADMIN", r2, "Roll back")).status).toBe(200);
    const modal = await h.fake.waitFor("views.open");
    expect(visibleText(modal)).toContain("billing 2.0.0 → production (shipped");
    expect((await submit(h, "UADMIN", modal, { reason: "error rate 5x" })).status).toBe(200);
    await h.fake.waitFor("chat.update", (c) => c.params.ts === r2.ts && /roll/i.test(visibleText(c)), 4000);
    expect((await h.core.store.getRelease("R-2"))?.state).toMatch(/rolling_back|rolled_back/);
  });
});

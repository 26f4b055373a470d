import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseButton } from "../../adapters/slack/ids.js";
import type { FakeCall } from "../../fakes/slack-api.js";
import { commandText, formValues, INTERNAL_ERROR } from "../helpers/faults-arbitraries.js";
import { countsBesidesRefusals } from "../helpers/faults-db.js";
import { blockActionsPayload, buttonsOf, interactiveBody, postSigned, slashBody, startHarness, viewSubmissionPayload, visibleText, type Harness } from "../slack/harness.js";

let h: Harness;
let card: FakeCall;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  h = await startHarness();
  await h.slash("UMGR", "create payments 1.4.2 at in 2h");
  card = await h.fake.waitFor("chat.postMessage");
  await h.core.bot.idle();
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await h.close();
  expect(unhandled).toEqual([]);
  expect(h.logs.filter((l) => l.level === "error")).toEqual([]);
});

const FORM = "application/x-www-form-urlencoded";
const counts = () => countsBesidesRefusals(h.core.db.sqlite);
const privateReplies = (from: number) => h.fake.calls.slice(from).filter((c) => c.method === "chat.postEphemeral" || c.method === "response_url");

describe("bad input through the Slack inbound path", () => {
  it("answers random slash command texts with a private message, never an internal error; refusals write nothing", async () => {
    await fc.assert(
      fc.asyncProperty(commandText.filter((t) => t.trim().length > 0), async (text) => {
        // Cards posted by an earlier (valid) run land asynchronously: let them settle first.
        await h.core.bot.idle();
        const before = counts();
        const res = await postSigned(h.url, slashBody(h.fake, "UDEV", text), FORM);
        expect(res.status).toBe(200);
        const body = res.body as { text?: string; blocks?: Array<{ text?: { text?: string } }> } | null;
        if (!body) return; // A form opened (views.open) instead of a message.
        expect(String(body.text).length).toBeGreaterThan(0);
        expect(JSON.stringify(body)).not.toMatch(INTERNAL_ERROR);
        if (body.blocks?.[0]?.text?.text?.startsWith(":warning:")) expect(counts()).toEqual(before);
      }),
      { numRuns: 60 },
    );
  }, 30_000);

  it("answers button presses with forged action ids and values privately and specifically, writing nothing", async () => {
    const go = buttonsOf(card).get("Go")!;
    const actionId = fc.oneof(fc.constantFrom("gonogo:v1:go", "gonogo:v1:no_go", "gonogo:v1:rollback", "gonogo:v2:go", "gonogo:v1:explode", "gonogo:", "gonogo:v1:go:R-1"), fc.string({ maxLength: 30 }).map((s) => `gonogo:${s}`));
    const value = fc.oneof(fc.constantFrom("v1:R-1", "v1:R-2", "v2:R-1", "v1:", "v1:R-1;DROP", "R-1", "v1:R-99999999999", ""), fc.string({ maxLength: 40 }));
    await fc.assert(
      fc.asyncProperty(actionId, value, async (action_id, v) => {
        const parsed = parseButton(action_id, v);
        fc.pre(!parsed.ok || parsed.releaseId !== "R-1" || parsed.action !== "go");
        // Cards posted by an earlier (valid) run land asynchronously: let them settle first.
        await h.core.bot.idle();
        const before = counts();
        const from = h.fake.calls.length;
        const payload = blockActionsPayload(h.fake, "UDEV", card, { ...go, action_id, value: v }, "Go");
        const res = await postSigned(h.url, interactiveBody(payload), FORM);
        expect(res.status).toBe(200);
        const reply = await h.fake.waitFor("chat.postEphemeral", (c) => h.fake.calls.indexOf(c) >= from, 3000).catch(() => privateReplies(from)[0]);
        if (reply?.method === "views.open") return;
        const text = reply ? visibleText(reply) : "";
        if (!parsed.ok) {
          expect(text).toMatch(/not made by gonogo|older version of gonogo/);
          expect(counts()).toEqual(before);
        } else if (!h.fake.calls.slice(from).some((c) => c.method === "views.open")) {
          expect(text.length).toBeGreaterThan(0);
          expect(text).not.toMatch(INTERNAL_ERROR);
          if (text.startsWith(":warning:") || /There is no release/.test(text)) expect(counts()).toEqual(before);
        }
      }),
      { numRuns: 50 },
    );
  }, 60_000);

  it("answers modal submissions with forged callback ids, metadata and values in the modal, writing nothing on refusal", async () => {
    const callbackId = fc.oneof(fc.constantFrom("gonogo:v1:form:create", "gonogo:v1:form:no_go", "gonogo:v1:form:rollback", "gonogo:v1:form:retro", "gonogo:v2:form:no_go", "gonogo:v1:form:pwn"), fc.string({ maxLength: 20 }).map((s) => `gonogo:${s}`));
    const metadata = fc.oneof(
      fc.constantFrom(JSON.stringify({ v: 1, release: "R-1", channel: "C1", team: "T1" }), JSON.stringify({ v: 1, release: "R-2", channel: "C1", team: "T1" }), JSON.stringify({ v: 2, release: "R-1", channel: "C1", team: "T1" }), JSON.stringify({ v: 1, release: "R-1; x", channel: "c1", team: "T1" }), "{", "null", ""),
      fc.string({ maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(callbackId, metadata, formValues, async (callback_id, private_metadata, values) => {
        // Cards posted by an earlier (valid) run land asynchronously: let them settle first.
        await h.core.bot.idle();
        const before = counts();
        const blocks = Object.keys(values).map((k) => ({ type: "input", block_id: `field:${k}`, element: { type: "plain_text_input", action_id: "input" } }));
        const opened = { params: { view: { blocks, callback_id, private_metadata, title: { type: "plain_text", text: "x" } } } } as unknown as FakeCall;
        const res = await postSigned(h.url, interactiveBody(viewSubmissionPayload(opened, "UDEV", values)), FORM);
        expect(res.status).toBe(200);
        const body = res.body as { response_action?: string; errors?: Record<string, string>; view?: unknown } | null;
        expect(JSON.stringify(body ?? {})).not.toMatch(INTERNAL_ERROR);
        if (body?.response_action === "errors") expect(Object.values(body.errors ?? {}).every((m) => m.length > 0)).toBe(true);
        if (body?.response_action) expect(counts()).toEqual(before);
      }),
      { numRuns: 60 },
    );
  }, 30_000);

  it("answers payloads that are not JSON with 400 and keeps serving", async () => {
    const notJson = fc.string({ maxLength: 60 }).filter((p) => {
      try {
        JSON.parse(p);
        return false;
      } catch {
        return true;
      }
    });
    await fc.assert(
      fc.asyncProperty(notJson, async (payload) => {
        // Cards posted by an earlier (valid) run land asynchronously: let them settle first.
        await h.core.bot.idle();
        const before = counts();
        const res = await postSigned(h.url, new URLSearchParams({ payload }).toString(), FORM);
        expect(res.status).toBe(400);
        expect(counts()).toEqual(before);
      }),
      { numRuns: 40 },
    );
    expect((await h.slash("UDEV", "help")).status).toBe(200);
  });
});

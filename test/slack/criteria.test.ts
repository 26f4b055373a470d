import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeCall } from "../../fakes/slack-api.js";
import { blockActionsPayload, interactiveBody, messageTs, postSigned, startHarness, visibleText, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ config: { quorum: 1 } });
});
afterEach(async () => {
  await h.close();
});

interface SelectElement {
  type: string;
  action_id: string;
  options: Array<{ text: { text: string }; value: string }>;
}

/** The card's criteria menu, as Slack received it. */
function criteriaMenu(card: FakeCall): { element: SelectElement; blockId: string } {
  const blocks = card.params.blocks as Array<{ type: string; block_id?: string; elements?: SelectElement[] }>;
  for (const b of blocks) {
    const element = b.type === "actions" ? b.elements?.find((e) => e.type === "static_select") : undefined;
    if (element) return { element, blockId: b.block_id! };
  }
  throw new Error("the card has no criteria menu");
}

/** A person choosing one option of the card's criteria menu, as Slack sends it: a block_actions with `selected_option`. */
function choose(user: string, card: FakeCall, label: string) {
  const { element, blockId } = criteriaMenu(card);
  const option = element.options.find((o) => o.text.text === label);
  if (!option) throw new Error(`no option "${label}"; the menu has ${element.options.map((o) => o.text.text).join(", ")}`);
  const payload = blockActionsPayload(h.fake, user, card, { action_id: element.action_id, value: "", block_id: blockId }, label);
  payload.actions = [{ type: "static_select", action_id: element.action_id, block_id: blockId, selected_option: option, placeholder: { type: "plain_text", text: "Tick a criterion…" }, action_ts: "1.000100" }];
  return postSigned(h.url, interactiveBody(payload), "application/x-www-form-urlencoded");
}

describe("Slack: ticking a readiness criterion from the card", () => {
  it("offers pass and fail per criterion, refuses someone the criterion does not name, and a qa holder fails it with a note and link through the modal", async () => {
    await h.slash("UADMIN", "criteria set tests:qa, changelog");
    await h.slash("UADMIN", "role grant <@UQA|quinn> qa");
    await h.slash("UMGR", "create payments 1.4.2");
    const card = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === undefined && visibleText(c).includes("payments"));
    expect(visibleText(card)).toContain("*Readiness criteria*");
    expect(visibleText(card)).toContain(":hourglass_flowing_sand: *tests* pending");
    expect(criteriaMenu(card).element.options.map((o) => o.text.text)).toEqual(["✅ tests: pass", "❌ tests: fail", "✅ changelog: pass", "❌ changelog: fail"]);

    // Anyone sees the menu; the server refuses a tick from someone the criterion does not name.
    await choose("UDEV", card, "❌ tests: fail");
    await h.fake.waitFor("chat.postEphemeral", (c) => c.params.user === "UDEV" && visibleText(c).includes("Only holders of the qa role and admins may tick tests on R-1"));
    expect(h.fake.callsTo("views.open")).toHaveLength(0);

    await choose("UQA", card, "❌ tests: fail");
    const modal = await h.fake.waitFor("views.open");
    expect(visibleText(modal)).toContain("Mark tests on R-1");
    const empty = await h.submit("UQA", modal, { note: "" });
    expect(empty.body).toMatchObject({ response_action: "errors", errors: { "field:note": expect.stringContaining("required") } });
    const sent = await h.submit("UQA", modal, { note: "login flow broken https://ci.example/run/8?a=1&b=2" });
    expect(sent.status).toBe(200);
    const updated = await h.fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("*tests* failed"), 4000);
    const text = visibleText(updated);
    expect(text).toContain("NO-GO: blocked: tests failed — login flow broken https://ci.example/run/8?a=1&amp;b=2");
    expect(text).toMatch(/:x: \*tests\* failed by quinn · <!date\^\d+\^/);
    expect(text).toContain("_login flow broken_ · <https://ci.example/run/8?a=1&amp;b=2|evidence>");
    expect((await h.core.store.listCriteria("R-1"))[0]).toMatchObject({ status: "failed", setBy: "slack:T1:UQA", note: "login flow broken", url: "https://ci.example/run/8?a=1&b=2" });
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { actorOf } from "../../src/domain/identity.js";
import { slackChannel } from "../../adapters/slack/inbound.js";
import { interactiveBody, postSigned, startHarness, viewSubmissionPayload, visibleText, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** A release of another workspace (T0OTHER) the same gonogo serves. */
async function otherWorkspaceRelease(): Promise<string> {
  const reply = await h.core.bot.handle({
    kind: "command",
    actor: actorOf({ kind: "person", platform: "slack", scope: "T0OTHER", user: "UOTHER" }, "olga"),
    channel: slackChannel("T0OTHER", "C0OTHER"),
    text: "create billing 2.0.0 at in 2h",
  });
  expect(reply.type === "message" && reply.text).toContain("R-1");
  return "R-1";
}

describe("Slack: a modal's private_metadata is not trusted across workspaces", () => {
  it("refuses a no-go form whose metadata was edited to another workspace's release and channel, and records no vote", async () => {
    const theirs = await otherWorkspaceRelease();
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    const card = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("payments 1.4.2"));
    await h.press("UDEV", card, "No-go");
    const opened = await h.fake.waitFor("views.open");
    const payload = viewSubmissionPayload(opened, "UDEV", { reason: "sabotage" });
    const view = payload.view as { private_metadata: string };
    view.private_metadata = JSON.stringify({ ...JSON.parse(view.private_metadata), release: theirs, channel: "C0OTHER", team: "T0OTHER" });
    const res = await postSigned(h.url, interactiveBody(payload), "application/x-www-form-urlencoded");
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain("was not made by gonogo (or was changed)");
    expect(await h.core.store.getVotes(theirs)).toEqual([]);
  });

  it("refuses a create form whose metadata names another workspace's channel, creating nothing there", async () => {
    await h.slash("UMGR", "");
    const opened = await h.fake.waitFor("views.open");
    const payload = viewSubmissionPayload(opened, "UMGR", { service: "search", version: "7.0.1", environment: "staging" });
    const view = payload.view as { private_metadata: string };
    view.private_metadata = JSON.stringify({ ...JSON.parse(view.private_metadata), channel: "C0OTHER", team: "T0OTHER" });
    const res = await postSigned(h.url, interactiveBody(payload), "application/x-www-form-urlencoded");
    expect(JSON.stringify(res.body)).toContain("was not made by gonogo (or was changed)");
    await h.core.bot.idle();
    expect(await h.core.store.getRelease("R-1")).toBeUndefined();
  });
});

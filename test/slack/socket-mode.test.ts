import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SlackHandle } from "../../adapters/slack/index.js";
import { createHttpServer, type HttpServer } from "../../src/http/server.js";
import { createFakeSlack, type FakeSlack } from "../../fakes/slack-api.js";
import { createTestCore, type TestCore } from "../helpers/core.js";
import { APP_TOKEN, BOT_TOKEN, CHANNEL, TEAM, USERS, startSlack, blockActionsPayload, buttonsOf, captureLog, messageTs, viewSubmissionPayload, visibleText } from "./harness.js";

let fake: FakeSlack;
let core: TestCore;
let http: HttpServer;
let slack: SlackHandle;

beforeEach(async () => {
  fake = await createFakeSlack({ teamId: TEAM, users: USERS });
  core = createTestCore({ fastForward: true });
  http = createHttpServer(() => undefined);
  const { log } = captureLog();
  // No signing secret: Socket Mode needs only the bot token and the app-level token.
  slack = await startSlack({ bot: core.bot, config: { botToken: BOT_TOKEN, signingSecret: undefined, appToken: APP_TOKEN, apiUrl: fake.apiUrl }, http, log });
  await fake.socketConnected();
});
afterEach(async () => {
  // Stop the app before the server closes the socket, or undici reports a spurious error.
  await slack.stop();
  await core.bot.idle();
  await core.close();
  await fake.close();
});

function slashPayload(user: string, text: string): Record<string, unknown> {
  return { token: "unused", team_id: TEAM, team_domain: "acme", channel_id: CHANNEL, channel_name: "releases", user_id: user, user_name: user.toLowerCase(), command: "/release", text, api_app_id: "A1", is_enterprise_install: "false", response_url: `${fake.origin}/respond/s`, trigger_id: `trig-${text.length}` };
}

describe("Slack over Socket Mode", () => {
  it("connects with the app-level token and registers no HTTP route", async () => {
    expect(slack.mode).toBe("socket");
    const open = fake.callsTo("apps.connections.open");
    expect(open).toHaveLength(1);
    expect(open[0]!.token).toBe(APP_TOKEN);
    const port = await http.listen(0, "127.0.0.1");
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", body: "x" });
    expect(res.status).toBe(404);
    await http.close();
  });

  it("answers a slash command in the ack frame and posts the card", async () => {
    const ack = await fake.sendEnvelope({ type: "slash_commands", payload: slashPayload("UMGR", "create payments 1.4.2 at in 2h") });
    expect(ack.payload).toMatchObject({ response_type: "ephemeral" });
    expect(JSON.stringify(ack.payload)).toContain("Created R-1");
    const card = await fake.waitFor("chat.postMessage");
    expect(visibleText(card)).toContain("payments 1.4.2");
  });

  it("takes button presses and modal submissions over the socket and updates the card", async () => {
    await fake.sendEnvelope({ type: "slash_commands", payload: slashPayload("UMGR", "create payments 1.4.2 at in 2h") });
    const card = await fake.waitFor("chat.postMessage");
    const buttons = buttonsOf(card);

    const goAck = await fake.sendEnvelope({ type: "interactive", payload: blockActionsPayload(fake, "UQA", card, buttons.get("Go")!, "Go") });
    expect(goAck.envelope_id).toBeTruthy();
    await fake.sendEnvelope({ type: "interactive", payload: blockActionsPayload(fake, "USEC", card, buttons.get("No-go")!, "No-go") });
    const modal = await fake.waitFor("views.open");
    const missing = await fake.sendEnvelope({ type: "interactive", payload: viewSubmissionPayload(modal, "USEC", { reason: "" }) });
    expect(missing.payload).toMatchObject({ response_action: "errors", errors: { "field:reason": expect.any(String) } });
    await fake.sendEnvelope({ type: "interactive", payload: viewSubmissionPayload(modal, "USEC", { reason: "pen test open" }) });

    const updated = await fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("pen test open") && visibleText(c).includes("<@UQA>"), 4000);
    expect(visibleText(updated)).toContain("NO-GO");
  });

  it("publishes App Home from an events_api envelope", async () => {
    await fake.sendEnvelope({
      type: "events_api",
      payload: { token: "unused", team_id: TEAM, api_app_id: "A1", type: "event_callback", event_id: "Ev1", event_time: 1, event: { type: "app_home_opened", user: "UMGR", channel: "D1", tab: "home", event_ts: "1.1" } },
    });
    const home = await fake.waitFor("views.publish");
    expect(home.params.user_id).toBe("UMGR");
  });
});

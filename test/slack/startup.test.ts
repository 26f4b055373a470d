import { afterEach, describe, expect, it } from "vitest";
import { startSlack } from "./harness.js";
import { loadConfig } from "../../src/config.js";
import { createHttpServer, type HttpServer } from "../../src/http/server.js";
import { createFakeSlack, type FakeSlack } from "../../fakes/slack-api.js";
import { createTestCore, type TestCore } from "../helpers/core.js";
import { PlatformUnavailable } from "../../src/app/ports.js";
import { BOT_TOKEN, SIGNING_SECRET, captureLog, nowSec, sign, slashBody } from "./harness.js";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(): Promise<{ fake: FakeSlack; core: TestCore; http: HttpServer; port: number }> {
  const fake = await createFakeSlack();
  const core = createTestCore({ fastForward: true });
  const http = createHttpServer(() => undefined);
  const port = await http.listen(0, "127.0.0.1");
  cleanup.push(() => fake.close(), () => core.close(), () => http.close());
  return { fake, core, http, port };
}

describe("starting the Slack adapter", () => {
  it("serves HTTP mode from nothing but the environment gonogo reads (bot token, signing secret, API URL)", async () => {
    const { fake, core, http, port } = await setup();
    const config = loadConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl.replace(/\/$/, "") });
    const { log } = captureLog();
    const slack = await startSlack({ bot: core.bot, config: config.slack!, http, log });
    cleanup.push(() => slack.stop());
    expect(slack.mode).toBe("http");
    expect(fake.callsTo("auth.test")[0]?.token).toBe(BOT_TOKEN);

    const body = slashBody(fake, "UMGR", "create payments 1.4.2");
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...sign(body, nowSec()) }, body });
    expect(res.status).toBe(200);
    await fake.waitFor("chat.postMessage");
  });

  it("refuses to start with a bad bot token, saying why without printing the token", async () => {
    const { fake, core, http } = await setup();
    fake.failNext("auth.test", { error: "invalid_auth" });
    const { log, lines } = captureLog();
    const started = startSlack({ bot: core.bot, config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: undefined, apiUrl: fake.apiUrl }, http, log });
    await expect(started).rejects.toThrow("Slack refused SLACK_BOT_TOKEN (invalid_auth): copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions again");
    const err = await started.catch((e: unknown) => e as Error);
    expect(String((err as Error).message)).not.toContain(BOT_TOKEN);
    expect(JSON.stringify(lines)).not.toContain(BOT_TOKEN);
  });

  it("names Slack and SLACK_API_URL when Slack cannot be reached at start-up, as an outage gonogo tries again after", async () => {
    const { fake, core, http } = await setup();
    const deadUrl = fake.apiUrl;
    await fake.close();
    const { log } = captureLog();
    const started = startSlack({ bot: core.bot, config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: undefined, apiUrl: deadUrl }, http, log, tuning: { retryConfig: { retries: 0 } } });
    await expect(started).rejects.toThrow(`cannot reach Slack at ${deadUrl} (ECONNREFUSED): check this machine's network and proxy, and SLACK_API_URL`);
    await expect(started).rejects.toBeInstanceOf(PlatformUnavailable);
  });

  it("logs nothing of its own while Slack is unreachable at start-up: gonogo's one 'Slack is unreachable' line is the whole story", async () => {
    const { fake, core, http } = await setup();
    const deadUrl = fake.apiUrl;
    await fake.close();
    const { log, lines } = captureLog();
    // The shipped retries (three attempts): the web client used to warn `http request failed` at each one, every minute of an outage.
    const started = startSlack({ bot: core.bot, config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: undefined, apiUrl: deadUrl }, http, log });
    await expect(started).rejects.toBeInstanceOf(PlatformUnavailable);
    expect(lines.map((l) => l.msg)).toEqual([]);
  });

  it("stops answering Slack after stop(), so a shutting-down process takes no new votes", async () => {
    const { fake, core, http, port } = await setup();
    const { log } = captureLog();
    const slack = await startSlack({ bot: core.bot, config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: undefined, apiUrl: fake.apiUrl }, http, log });
    await slack.stop();
    const body = slashBody(fake, "UMGR", "create payments 1.4.2");
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...sign(body, nowSec()) }, body });
    expect(res.status).toBe(503);
    expect((await core.store.listReleases({}))).toHaveLength(0);
  });
});

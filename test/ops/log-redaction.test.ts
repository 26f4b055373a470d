import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";

const SECRETS = {
  slackBot: "xoxb-1111111111-2222222222-abcdefABCDEF123456",
  slackApp: "xapp-1-A0123-4567-abcdef0123456789",
  signing: "8f2b1c9d0e7a6b5c4d3e2f1a0b9c8d7e",
  webhook: "whsec-very-secret-value-123456",
  discord: "MTE4NzMzMTA0ODc2MzYyOTYyOQ.GhXyZw.abcdefghijklmnopqrstuvwxyz012345",
  interactionToken: "aW50ZXJhY3Rpb246MTE4NzMzMTA0ODc2MzYyOTYyOQ-long-interaction-token",
  responseUrl: "https://hooks.slack.com/actions/T0123/4567890/AbCdEfGhIjKlMnOp",
};

describe("structured logs", () => {
  it("say what caused an error (the database's reason under the ORM's 'Failed query'), scrubbed like the rest", () => {
    const lines: string[] = [];
    const log = createLogger("debug", [SECRETS.webhook], (l) => lines.push(l));
    const cause = Object.assign(new Error(`terminating connection due to administrator command ${SECRETS.webhook}`), { code: "57P01" });
    log.error({ err: new Error("Failed query: UPDATE card_leases SET holder = $1", { cause }) }, "card lease failed");
    const { err } = JSON.parse(lines[0]!) as { err: string };
    expect(err).toBe("Error: Failed query: UPDATE card_leases SET holder = $1 (cause: Error: terminating connection due to administrator command [redacted])");
  });

  it("never write tokens, signing or webhook secrets, interaction tokens in URLs or Slack response_urls", () => {
    const lines: string[] = [];
    const log = createLogger("debug", [SECRETS.signing, SECRETS.webhook, SECRETS.discord], (l) => lines.push(l));
    log.error({ err: `POST https://discord.com/api/v10/interactions/1187331048763629629/${SECRETS.interactionToken}/callback failed` }, "discord error");
    log.error({ err: new Error(`PATCH /webhooks/1187331048763629000/${SECRETS.interactionToken}/messages/@original: 404`) }, "edit failed");
    log.warn({ request: { headers: { authorization: `Bearer ${SECRETS.slackBot}` } }, token: SECRETS.slackApp }, "slack call");
    log.info({ payload: { response_url: SECRETS.responseUrl, text: `see ${SECRETS.responseUrl}` } }, "payload");
    log.info({ config: { signingSecret: SECRETS.signing, webhookSecret: SECRETS.webhook } }, `loaded with ${SECRETS.webhook}`);
    log.error({ detail: `Authorization: Bot ${SECRETS.discord}` }, "login");
    const out = lines.join("");
    for (const [name, secret] of Object.entries(SECRETS)) expect(out, name).not.toContain(secret);
    // Still useful: the message and the non-secret parts survive.
    expect(out).toContain("/interactions/1187331048763629629/[redacted]/callback");
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["discord error", "edit failed", "slack call", "payload", "loaded with [redacted]", "login"]);
  });

  it("writes one JSON object per line with level, time and message", () => {
    const lines: string[] = [];
    createLogger("info", [], (l) => lines.push(l)).info({ releaseId: "R-1" }, "card posted");
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "info", msg: "card posted", releaseId: "R-1", time: expect.any(String) });
  });

  it("drops lines below the configured level", () => {
    const lines: string[] = [];
    const log = createLogger("warn", [], (l) => lines.push(l));
    log.info({}, "quiet");
    log.warn({}, "loud");
    expect(lines).toHaveLength(1);
  });
});

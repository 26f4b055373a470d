import { createHttpServer, type HttpServer } from "../../src/http/server.js";
import type { CoreConfig } from "../../src/app/context.js";
import type { Logger } from "../../src/app/ports.js";
import { createSlackAdapter, type SlackHandle, type StartSlackOptions } from "../../adapters/slack/index.js";
import { createFakeSlack, type FakeCall, type FakeSlack, type FakeUsergroup } from "../../fakes/slack-api.js";
import { TEAM, CHANNEL, SIGNING_SECRET, BOT_TOKEN, APP_TOKEN, USERS, sign, nowSec, slashBody, buttonsOf, messageTs, blockActionsPayload, postSigned, interactiveBody, visibleText, trigger, type HttpResult } from "../../fakes/slack-requests.js";

export { TEAM, CHANNEL, SIGNING_SECRET, BOT_TOKEN, APP_TOKEN, USERS, sign, nowSec, slashBody, buttonsOf, messageTs, blockActionsPayload, postSigned, interactiveBody, visibleText, type HttpResult };

/** What the composition root does: attach the Slack surface, then connect. */
export function startSlack(options: StartSlackOptions): Promise<SlackHandle> {
  const adapter = createSlackAdapter(options);
  options.bot.attachSurface(adapter.surface);
  return adapter.start();
}
import { admins, createTestCore, type TestCore } from "../helpers/core.js";

export interface LogLine {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

export interface Harness {
  fake: FakeSlack;
  core: TestCore;
  http: HttpServer;
  slack: SlackHandle;
  /** Base URL of our app, e.g. http://127.0.0.1:PORT */
  url: string;
  logs: LogLine[];
  /** A slash command, signed like Slack signs it. Returns status and parsed JSON body (if any). */
  slash(user: string, text: string, opts?: { channel?: string }): Promise<HttpResult>;
  /** Presses a button on a message the fake received (a card or a notice). */
  press(user: string, message: FakeCall, label: string): Promise<HttpResult>;
  /** Submits a modal the fake opened, with values by field key. */
  submit(user: string, opened: FakeCall, values: Record<string, string | number>): Promise<HttpResult>;
  /** An Events API envelope (e.g. app_home_opened). */
  event(event: Record<string, unknown>): Promise<HttpResult>;
  /** Posts a raw body with explicit signing, for the signature tests. */
  raw(body: string, headers: Record<string, string>): Promise<HttpResult>;
  close(): Promise<void>;
}

interface InputBlock {
  type: string;
  block_id: string;
  element: { type: string; action_id: string };
}

/** A view_submission payload for a modal the app opened, filled in like a person would. */
export function viewSubmissionPayload(opened: FakeCall, user: string, values: Record<string, string | number>): Record<string, unknown> {
  const u = USERS.find((x) => x.id === user);
  const view = opened.params.view as { blocks: InputBlock[]; callback_id: string; private_metadata: string; title: unknown };
  const state: Record<string, Record<string, unknown>> = {};
  for (const b of view.blocks) {
    if (b.type !== "input") continue;
    const key = b.block_id.replace(/^field:/, "");
    const v = values[key];
    state[b.block_id] =
      b.element.type === "datetimepicker"
        ? { [b.element.action_id]: { type: "datetimepicker", selected_date_time: typeof v === "number" ? v : null } }
        : { [b.element.action_id]: { type: "plain_text_input", value: v === undefined || v === "" ? null : String(v) } };
  }
  return {
    type: "view_submission",
    team: { id: TEAM, domain: "acme" },
    user: { id: user, username: u?.name ?? user, name: u?.name ?? user, team_id: TEAM },
    api_app_id: "A1",
    token: "verification-token-unused",
    trigger_id: trigger(),
    view: {
      id: "V123",
      team_id: TEAM,
      type: "modal",
      blocks: view.blocks,
      private_metadata: view.private_metadata,
      callback_id: view.callback_id,
      state: { values: state },
      hash: "1700000000.abc",
      title: view.title,
      app_id: "A1",
      bot_id: "BBOT",
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export function captureLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    log: {
      info: (obj, msg) => lines.push({ level: "info", obj, msg }),
      warn: (obj, msg) => lines.push({ level: "warn", obj, msg }),
      error: (obj, msg) => lines.push({ level: "error", obj, msg }),
    },
  };
}

/** The real bot on a fresh database, our HTTP server on 127.0.0.1:0 and the real Bolt app in HTTP mode against the fake. */
export async function startHarness(opts: { config?: Partial<CoreConfig>; now?: number; usergroups?: FakeUsergroup[]; dir?: string } = {}): Promise<Harness> {
  const fake = await createFakeSlack({ teamId: TEAM, users: USERS, usergroups: opts.usergroups ?? [] });
  const core = createTestCore({ now: opts.now, dir: opts.dir, config: { admins: admins(`slack:${TEAM}:UADMIN`), ...opts.config }, fastForward: true });
  const { log, lines } = captureLog();
  const http = createHttpServer((err) => lines.push({ level: "error", obj: { err: String(err) }, msg: "http route failed" }));
  const port = await http.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}`;
  const slack = await startSlack({
    bot: core.bot,
    config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: undefined, apiUrl: fake.apiUrl },
    http,
    log,
  });
  return {
    fake,
    core,
    http,
    slack,
    url,
    logs: lines,
    slash: (user, text, o) => postSigned(url, slashBody(fake, user, text, o?.channel), "application/x-www-form-urlencoded"),
    press(user, message, label) {
      const button = buttonsOf(message).get(label);
      if (!button) throw new Error(`no "${label}" button on that message; it has ${[...buttonsOf(message).keys()].join(", ") || "none"}`);
      return postSigned(url, interactiveBody(blockActionsPayload(fake, user, message, button, label)), "application/x-www-form-urlencoded");
    },
    submit: (user, opened, values) => postSigned(url, interactiveBody(viewSubmissionPayload(opened, user, values)), "application/x-www-form-urlencoded"),
    event: (event) =>
      postSigned(
        url,
        JSON.stringify({ token: "verification-token-unused", team_id: TEAM, api_app_id: "A1", event, type: "event_callback", event_id: `Ev${nowSec()}${Math.random().toString(36).slice(2, 6)}`, event_time: nowSec(), authorizations: [{ team_id: TEAM, user_id: "UBOT", is_bot: true }] }),
        "application/json",
      ),
    raw: (body, headers) => postSigned(url, body, "application/x-www-form-urlencoded", headers),
    async close() {
      await slack.stop();
      await core.settle();
      await core.close();
      await http.close();
      await fake.close();
    },
  };
}


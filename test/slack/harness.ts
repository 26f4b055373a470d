import { createHmac } from "node:crypto";
import { createHttpServer, type HttpServer } from "../../src/http/server.js";
import type { CoreConfig } from "../../src/app/context.js";
import type { Logger } from "../../src/app/ports.js";
import { createSlackAdapter, type SlackHandle, type StartSlackOptions } from "../../adapters/slack/index.js";

/** What the composition root does: attach the Slack surface, then connect. */
export function startSlack(options: StartSlackOptions): Promise<SlackHandle> {
  const adapter = createSlackAdapter(options);
  options.bot.attachSurface(adapter.surface);
  return adapter.start();
}
import { createFakeSlack, type FakeCall, type FakeSlack, type FakeUser, type FakeUsergroup } from "../fakes/slack-api.js";
import { createTestCore, type TestCore } from "../helpers/core.js";

export const TEAM = "T1";
export const CHANNEL = "C1";
export const SIGNING_SECRET = "test-signing-secret-8f2b";
export const BOT_TOKEN = "xoxb-test-bot-token";
export const APP_TOKEN = "xapp-test-app-token";

/** Everyone the tests act as, with the names Slack's users.info gives back. */
export const USERS: FakeUser[] = [
  { id: "UMGR", name: "mia", realName: "Mia Manager" },
  { id: "UQA", name: "quinn", realName: "Quinn QA" },
  { id: "UDEV", name: "dev", realName: "Dev Eloper" },
  { id: "USEC", name: "sam", realName: "Sam Security" },
  { id: "UONCALL", name: "otto", realName: "Otto Oncall" },
  { id: "UADMIN", name: "ada", realName: "Ada Admin" },
];

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

export interface HttpResult {
  status: number;
  body: unknown;
  text: string;
}

export function sign(body: string, ts: number, secret = SIGNING_SECRET): Record<string, string> {
  const sig = `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
  return { "x-slack-request-timestamp": String(ts), "x-slack-signature": sig };
}

export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

let triggerCounter = 0;
function trigger(): string {
  triggerCounter += 1;
  return `${triggerCounter}.111.trigger${triggerCounter}`;
}

/** A slash command body exactly as Slack sends it (application/x-www-form-urlencoded). */
export function slashBody(fake: FakeSlack, user: string, text: string, channel = CHANNEL): string {
  const u = USERS.find((x) => x.id === user);
  return new URLSearchParams({
    token: "verification-token-unused",
    team_id: TEAM,
    team_domain: "acme",
    channel_id: channel,
    channel_name: "releases",
    user_id: user,
    user_name: u?.name ?? user.toLowerCase(),
    command: "/release",
    text,
    api_app_id: "A1",
    is_enterprise_install: "false",
    response_url: `${fake.origin}/respond/cmd-${user}`,
    trigger_id: trigger(),
  }).toString();
}

interface ButtonBlock {
  type: string;
  elements?: { type: string; action_id: string; value: string; text: { text: string }; style?: string }[];
  block_id?: string;
}

/** The buttons on a message as the fake received it: label → element. */
export function buttonsOf(message: FakeCall): Map<string, { action_id: string; value: string; block_id: string; style?: string }> {
  const out = new Map<string, { action_id: string; value: string; block_id: string; style?: string }>();
  for (const b of (message.params.blocks ?? []) as ButtonBlock[]) {
    if (b.type !== "actions") continue;
    for (const e of b.elements ?? []) out.set(e.text.text, { action_id: e.action_id, value: e.value, block_id: b.block_id ?? "", style: e.style });
  }
  return out;
}

/** The `ts` of a message the fake received: the one it answered for a post, the one given for an update. */
export function messageTs(message: FakeCall): string {
  return String(message.result?.ts ?? message.params.ts);
}

/** A block_actions payload as Slack sends it for a button on a channel message. */
export function blockActionsPayload(fake: FakeSlack, user: string, message: FakeCall, button: { action_id: string; value: string; block_id: string }, label: string): Record<string, unknown> {
  const u = USERS.find((x) => x.id === user);
  const channel = String(message.params.channel);
  const ts = messageTs(message);
  return {
    type: "block_actions",
    user: { id: user, username: u?.name ?? user, name: u?.name ?? user, team_id: TEAM },
    api_app_id: "A1",
    token: "verification-token-unused",
    container: { type: "message", message_ts: ts, channel_id: channel, is_ephemeral: false },
    trigger_id: trigger(),
    team: { id: TEAM, domain: "acme" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: "releases" },
    message: { type: "message", ts, text: message.params.text, blocks: message.params.blocks },
    state: { values: {} },
    response_url: `${fake.origin}/respond/action-${user}`,
    actions: [{ action_id: button.action_id, block_id: button.block_id, text: { type: "plain_text", text: label, emoji: true }, value: button.value, type: "button", action_ts: `${nowSec()}.000100` }],
  };
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

export async function postSigned(url: string, body: string, contentType: string, headers?: Record<string, string>): Promise<HttpResult> {
  const res = await fetch(`${url}/slack/events`, {
    method: "POST",
    headers: { "content-type": contentType, ...(headers ?? sign(body, nowSec())) },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: parseJson(text), text };
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

export function interactiveBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
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
export async function startHarness(opts: { config?: Partial<CoreConfig>; now?: number; usergroups?: FakeUsergroup[] } = {}): Promise<Harness> {
  const fake = await createFakeSlack({ teamId: TEAM, users: USERS, usergroups: opts.usergroups ?? [] });
  const core = createTestCore({ now: opts.now, config: { admins: [`slack:${TEAM}:UADMIN`], ...opts.config }, fastForward: true });
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

/** The text a person sees in a message the fake received: top-level text plus every block's text. */
export function visibleText(call: FakeCall | { params: Record<string, unknown> }): string {
  const parts: string[] = [typeof call.params.text === "string" ? call.params.text : ""];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.text === "string") parts.push(o.text);
      for (const [k, child] of Object.entries(o)) if (k !== "text" || typeof child !== "string") walk(child);
    }
  };
  walk(call.params.blocks ?? (call.params.view as { blocks?: unknown } | undefined)?.blocks);
  return parts.join("\n");
}

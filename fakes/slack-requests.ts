import { createHmac } from "node:crypto";
import type { FakeCall, FakeSlack, FakeUser } from "./slack-api.js";

/**
 * Requests as Slack sends them to an app (slash commands, button presses, signed), for the
 * tests and the benchmarks alike.
 */

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
export function trigger(): string {
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

import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/**
 * A local stand-in for Slack: the Web API methods gonogo calls (recorded, answered the
 * way Slack answers, Block Kit limits enforced), `response_url` endpoints, and a Socket
 * Mode server (`apps.connections.open` → ws URL → hello → envelopes → acks). Binds
 * 127.0.0.1 only.
 */
export interface FakeCall {
  method: string;
  params: Record<string, unknown>;
  token: string | null;
  at: number;
  /** What the fake answered (for chat.postMessage: the message `ts`). Set before waiters see the call. */
  result?: Record<string, unknown>;
}

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
}

export interface FakeUsergroup {
  id: string;
  handle: string;
  users: string[];
}

/** A canned answer for the next call(s) of a method: an HTTP status (429 with Retry-After), a Slack error, or no answer at all (the connection is cut: a network error). */
export type FakeFailure = { status: number; retryAfter?: number } | { error: string } | { network: true };

export interface SocketEnvelope {
  type: "slash_commands" | "interactive" | "events_api";
  payload: unknown;
}

export interface FakeSlack {
  /** Base URL for `slackApiUrl` / SLACK_API_URL, with the trailing slash. */
  apiUrl: string;
  origin: string;
  teamId: string;
  calls: FakeCall[];
  callsTo(method: string): FakeCall[];
  /** Resolves with the first call (already made or future) that matches; rejects after `timeoutMs`. */
  waitFor(method: string, match?: (c: FakeCall) => boolean, timeoutMs?: number): Promise<FakeCall>;
  /** Makes the next `times` calls of `method` fail. */
  failNext(method: string, failure: FakeFailure, times?: number): void;
  /** Makes every call of `method` fail (after those queued by failNext) until called again with null: an outage of unknown length. */
  failAll(method: string, failure: FakeFailure | null): void;
  addUser(user: FakeUser): void;
  /**
   * A private channel the bot is not in: chat.postMessage there answers `error` (Slack's
   * `not_in_channel`, or `channel_not_found` for one it cannot see, or `is_archived` for a
   * channel archived since) until `invite` lets it in.
   */
  keepOut(channel: string, error?: "not_in_channel" | "channel_not_found" | "is_archived"): void;
  /** `/invite @gonogo` in a channel kept out: the bot may post there from now on. */
  invite(channel: string): void;
  setUsergroups(groups: FakeUsergroup[]): void;
  /** Socket Mode: sends an envelope to the connected app and resolves with its ack frame. */
  sendEnvelope(envelope: SocketEnvelope, timeoutMs?: number): Promise<{ envelope_id: string; payload?: unknown }>;
  /** Resolves once the app has opened a socket and received `hello`. */
  socketConnected(): Promise<void>;
  /**
   * Slack drops the app's socket (it recycles its socket servers routinely; a network blip):
   * a normal close from the server's side. Bolt reconnects by itself; with `holdHello`, the
   * next socket gets no `hello` (so the app is not connected) until `sendHello`.
   */
  dropSocket(opts?: { holdHello?: boolean }): void;
  /** Sends the `hello` held back since `dropSocket({ holdHello: true })`, once the app has reconnected. */
  sendHello(): Promise<void>;
  close(): Promise<void>;
}

const MESSAGE_METHODS = new Set(["chat.postMessage", "chat.update", "chat.postEphemeral"]);
const VIEW_METHODS = new Set(["views.open", "views.publish", "views.update", "views.push"]);

export async function createFakeSlack(options: { teamId?: string; users?: FakeUser[]; usergroups?: FakeUsergroup[] } = {}): Promise<FakeSlack> {
  const teamId = options.teamId ?? "T1";
  const users = new Map<string, FakeUser>((options.users ?? []).map((u) => [u.id, u]));
  let usergroups = options.usergroups ?? [];
  const calls: FakeCall[] = [];
  const waiters: { method: string; match: (c: FakeCall) => boolean; resolve: (c: FakeCall) => void }[] = [];
  const failures = new Map<string, FakeFailure[]>();
  const outages = new Map<string, FakeFailure>();
  const keptOut = new Map<string, string>();
  let tsCounter = 0;
  let viewCounter = 0;

  const record = (call: FakeCall) => {
    calls.push(call);
    for (const w of [...waiters]) {
      if (w.method === call.method && w.match(call)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

    if (path.startsWith("/respond/")) {
      record({ method: "response_url", params: { ...(JSON.parse(raw || "{}") as Record<string, unknown>), path }, token: null, at: Date.now() });
      json(200, { ok: true });
      return;
    }
    if (path.startsWith("/upload/")) {
      // files.uploadV2 step 2: the file's bytes go to the URL files.getUploadURLExternal gave.
      record({ method: "file_upload", params: { path, content: raw }, token: null, at: Date.now() });
      res.writeHead(200, { "content-type": "text/plain" }).end("OK");
      return;
    }
    if (!path.startsWith("/api/")) {
      json(404, { ok: false, error: "not_found" });
      return;
    }
    const method = path.slice("/api/".length);
    const params = parseParams(raw, req.headers["content-type"] ?? "");
    const auth = req.headers.authorization;
    const token = auth?.startsWith("Bearer ") ? auth.slice(7) : typeof params.token === "string" ? params.token : null;
    const call: FakeCall = { method, params, token, at: Date.now() };

    const queued = failures.get(method);
    const failure = queued?.shift() ?? outages.get(method);
    if (failure && "network" in failure) {
      record({ ...call, result: { network: true } });
      req.socket.destroy();
      return;
    }
    if (failure) {
      const body = "status" in failure ? { ok: false, error: failure.status === 429 ? "ratelimited" : "internal_error" } : { ok: false, error: failure.error };
      record({ ...call, result: body });
      if ("status" in failure) json(failure.status, body, failure.retryAfter !== undefined ? { "retry-after": String(failure.retryAfter) } : {});
      else json(200, body);
      return;
    }

    const wantsAppToken = method === "apps.connections.open";
    const problem =
      !token || !token.startsWith(wantsAppToken ? "xapp-" : "xoxb-")
        ? { error: wantsAppToken ? "not_allowed_token_type" : "not_authed", detail: "bad token" }
        : MESSAGE_METHODS.has(method)
          ? checkMessage(params)
          : VIEW_METHODS.has(method)
            ? checkView(params)
            : null;
    const body = problem ? { ok: false, error: problem.error, response_metadata: { messages: [problem.detail] } } : answer(method, params);
    record({ ...call, result: body });
    json(200, body);
  }

  function answer(method: string, params: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return { ok: true, url: "https://fake.slack.test/", team: "Fake", user: "gonogo", team_id: teamId, user_id: "UBOT", bot_id: "BBOT" };
      case "chat.postMessage": {
        const closed = keptOut.get(String(params.channel));
        if (closed) return { ok: false, error: closed };
        tsCounter += 1;
        const ts = `1700000000.${String(tsCounter).padStart(6, "0")}`;
        return { ok: true, channel: params.channel, ts, message: { text: params.text, ts, thread_ts: params.thread_ts } };
      }
      case "chat.update":
        return { ok: true, channel: params.channel, ts: params.ts, text: params.text };
      case "chat.postEphemeral":
        return { ok: true, message_ts: `1700000001.${String(calls.length).padStart(6, "0")}` };
      case "views.open":
      case "views.push":
      case "views.update":
      case "views.publish": {
        viewCounter += 1;
        return { ok: true, view: { id: `V${viewCounter}`, ...(params.view as Record<string, unknown>) } };
      }
      case "users.info": {
        const id = String(params.user);
        const u = users.get(id) ?? { id, name: id.toLowerCase() };
        return { ok: true, user: { id: u.id, team_id: teamId, name: u.name, real_name: u.realName ?? u.name, profile: { display_name: u.name, real_name: u.realName ?? u.name } } };
      }
      case "usergroups.list":
        return { ok: true, usergroups: usergroups.map((g) => ({ id: g.id, team_id: teamId, handle: g.handle, name: g.handle, ...(params.include_users ? { users: g.users } : {}) })) };
      case "apps.connections.open":
        return { ok: true, url: `ws://127.0.0.1:${port()}/link` };
      case "conversations.open":
        return { ok: true, channel: { id: `D${String(params.users).replace(/^U/, "")}` } };
      case "files.getUploadURLExternal": {
        viewCounter += 1;
        return { ok: true, upload_url: `http://127.0.0.1:${port()}/upload/F${viewCounter}`, file_id: `F${viewCounter}` };
      }
      case "files.completeUploadExternal": {
        const files = JSON.parse(String(params.files)) as Array<{ id: string; title?: string }>;
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? "" })) };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  // Socket Mode: one connected app at a time is all the tests need.
  const wss = new WebSocketServer({ server, path: "/link" });
  let socket: WebSocket | null = null;
  let connected: { promise: Promise<void>; resolve: () => void } = deferred();
  const pendingAcks = new Map<string, (frame: { envelope_id: string; payload?: unknown }) => void>();
  let envelopeCounter = 0;
  let holdHello = false;
  let opened: { promise: Promise<void>; resolve: () => void } = deferred();
  const hello = (ws: WebSocket) => {
    ws.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "fake" }, connection_info: { app_id: "A1" } }));
    connected.resolve();
  };
  wss.on("connection", (ws) => {
    socket = ws;
    ws.on("message", (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { envelope_id?: string; payload?: unknown };
      if (frame.envelope_id) pendingAcks.get(frame.envelope_id)?.({ envelope_id: frame.envelope_id, payload: frame.payload });
    });
    opened.resolve();
    if (!holdHello) hello(ws);
  });

  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = () => (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port()}`;

  return {
    apiUrl: `${origin}/api/`,
    origin,
    teamId,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    waitFor(method, match = () => true, timeoutMs = 3000) {
      const found = calls.find((c) => c.method === method && match(c));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { method, match, resolve: (c: FakeCall) => (clearTimeout(timer), resolve(c)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          // The calls of that method that did not match, each with its thread and text, say what came instead.
          const said = (c: FakeCall) => (typeof c.params.text === "string" ? c.params.text : JSON.stringify(c.params.blocks ?? null));
          const unmatched = calls.filter((c) => c.method === method).map((c) => `${typeof c.params.thread_ts === "string" ? `in thread ${c.params.thread_ts}: ` : ""}${JSON.stringify(said(c).slice(0, 120))}`);
          reject(new Error(`fake Slack: no ${method} call matched within ${timeoutMs} ms; calls so far: ${calls.map((c) => c.method).join(", ")}${unmatched.length ? `; ${method} calls: ${unmatched.join(" | ")}` : ""}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    failNext(method, failure, times = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(failure);
      failures.set(method, list);
    },
    failAll(method, failure) {
      if (failure) outages.set(method, failure);
      else outages.delete(method);
    },
    addUser: (u) => void users.set(u.id, u),
    keepOut: (channel, error = "not_in_channel") => void keptOut.set(channel, error),
    invite: (channel) => void keptOut.delete(channel),
    setUsergroups: (g) => void (usergroups = g),
    sendEnvelope(envelope, timeoutMs = 3000) {
      if (!socket) return Promise.reject(new Error("fake Slack: no Socket Mode connection"));
      envelopeCounter += 1;
      const id = `env-${envelopeCounter}`;
      const ws = socket;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => (pendingAcks.delete(id), reject(new Error(`fake Slack: envelope ${id} was not acked within ${timeoutMs} ms`))), timeoutMs);
        pendingAcks.set(id, (frame) => (clearTimeout(timer), pendingAcks.delete(id), resolve(frame)));
        ws.send(JSON.stringify({ envelope_id: id, type: envelope.type, payload: envelope.payload, accepts_response_payload: envelope.type !== "events_api", retry_attempt: 0, retry_reason: "" }));
      });
    },
    socketConnected: () => connected.promise,
    dropSocket(opts = {}) {
      holdHello = opts.holdHello ?? false;
      connected = deferred();
      opened = deferred();
      socket?.close(1001, "refresh_requested");
      socket = null;
    },
    async sendHello() {
      await opened.promise;
      holdHello = false;
      if (socket) hello(socket);
    },
    async close() {
      // A normal close handshake: terminate() makes undici log a spurious socket error.
      for (const client of wss.clients) client.close(1000);
      connected = deferred();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** WebClient sends form-encoded bodies with JSON-valued fields (blocks, view) as strings. */
function parseParams(raw: string, contentType: string): Record<string, unknown> {
  const params: Record<string, unknown> = contentType.includes("json") ? (JSON.parse(raw || "{}") as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(raw));
  for (const key of ["blocks", "view", "attachments", "metadata"]) {
    const v = params[key];
    if (typeof v === "string" && /^[[{]/.test(v)) params[key] = JSON.parse(v);
  }
  return params;
}

interface Problem {
  error: string;
  detail: string;
}

/** The Block Kit limits Slack enforces on messages (PLATFORM-FACTS A5), answered as Slack does; null when Slack would accept it. */
export function checkMessage(params: Record<string, unknown>): Problem | null {
  const blocks = params.blocks;
  if (blocks === undefined) return typeof params.text === "string" && params.text ? null : { error: "no_text", detail: "text or blocks required" };
  if (!Array.isArray(blocks)) return { error: "invalid_blocks_format", detail: "blocks must be an array" };
  if (blocks.length > 50) return { error: "invalid_blocks", detail: `${blocks.length} blocks, at most 50` };
  if (JSON.stringify(blocks).length > 13_200) return { error: "msg_blocks_too_long", detail: "blocks too long" };
  return checkBlocks(blocks as Block[]);
}

export function checkView(params: Record<string, unknown>): Problem | null {
  const view = params.view as { type?: string; title?: { text?: string }; blocks?: Block[]; private_metadata?: string; callback_id?: string; submit?: { text?: string } } | undefined;
  if (!view || !Array.isArray(view.blocks)) return { error: "invalid_arguments", detail: "view.blocks required" };
  if (view.type === "modal" && (!view.title?.text || view.title.text.length > 24)) return { error: "invalid_arguments", detail: "modal title must be 1-24 chars" };
  if (view.submit?.text && view.submit.text.length > 24) return { error: "invalid_arguments", detail: "submit text over 24 chars" };
  if (view.blocks.length > 100) return { error: "invalid_arguments", detail: "more than 100 blocks" };
  if ((view.private_metadata ?? "").length > 3000) return { error: "invalid_arguments", detail: "private_metadata over 3000 chars" };
  if ((view.callback_id ?? "").length > 255) return { error: "invalid_arguments", detail: "callback_id over 255 chars" };
  return checkBlocks(view.blocks);
}

interface TextObject {
  type: string;
  text: string;
}
interface Block {
  type: string;
  block_id?: string;
  text?: TextObject;
  fields?: TextObject[];
  elements?: { type: string; action_id?: string; value?: string; text?: TextObject | string }[];
  label?: TextObject;
  element?: { type: string; action_id?: string };
}

function checkBlocks(blocks: Block[]): Problem | null {
  const blockIds = new Set<string>();
  for (const [i, b] of blocks.entries()) {
    const bad = (detail: string): Problem => ({ error: "invalid_blocks", detail: `blocks[${i}] (${b.type}): ${detail}` });
    if (b.block_id !== undefined) {
      if (b.block_id.length > 255) return bad("block_id over 255");
      if (blockIds.has(b.block_id)) return bad("duplicate block_id");
      blockIds.add(b.block_id);
    }
    if (b.type === "header" && (!b.text?.text || b.text.text.length > 150)) return bad("header text must be 1-150 chars");
    if (b.type === "section") {
      if (!b.text && !b.fields) return bad("section needs text or fields");
      if (b.text && (!b.text.text || b.text.text.length > 3000)) return bad("section text must be 1-3000 chars");
      if (b.fields && (b.fields.length > 10 || b.fields.some((f) => !f.text || f.text.length > 2000))) return bad("fields: at most 10, each 1-2000 chars");
    }
    if (b.type === "context" && (!b.elements || b.elements.length > 10)) return bad("context: 1-10 elements");
    if (b.type === "actions") {
      const els = b.elements ?? [];
      if (!els.length || els.length > 25) return bad("actions: 1-25 elements");
      const ids = new Set<string>();
      for (const e of els) {
        const text = typeof e.text === "object" ? e.text.text : "";
        if (e.type === "button" && (!text || text.length > 75)) return bad("button text must be 1-75 chars");
        if (e.value !== undefined && e.value.length > 2000) return bad("button value over 2000");
        if (e.type === "static_select") {
          // Block Kit: at most 100 options, option text 1-75 chars, option value at most 150 chars (PLATFORM-FACTS).
          const options = (e as { options?: Array<{ text?: { text?: string }; value?: string }> }).options ?? [];
          if (!options.length || options.length > 100) return bad("static_select: 1-100 options");
          if (options.some((o) => !o.text?.text || o.text.text.length > 75 || !o.value || o.value.length > 150)) return bad("static_select option: text 1-75 chars, value 1-150 chars");
        }
        if (e.action_id !== undefined) {
          if (e.action_id.length > 255) return bad("action_id over 255");
          if (ids.has(e.action_id)) return bad("duplicate action_id in block");
          ids.add(e.action_id);
        }
      }
    }
    if (b.type === "input" && (!b.label?.text || b.label.text.length > 2000 || !b.element)) return bad("input needs a 1-2000 char label and an element");
  }
  return null;
}

import { generateKeyPairSync, sign as signBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { createWorld, guildCreatePayload, messagePayload, readyPayload, snowflake, type FakeWorld } from "./discord-fixtures.js";

/** Arbitrary JSON from discord.js; tests read into it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies are whatever discord.js sent
export type Json = any;

/** One HTTP request the fake received. `path` is decoded and has no `/api/v10` prefix. */
export interface FakeCall {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Json;
  /** The Authorization header (`Bot …`), null for interaction callbacks and webhooks. */
  auth: string | null;
  status: number;
  /** What the fake answered (e.g. the posted message, with its id). */
  response: Json;
}

interface FailRule {
  match: (method: string, path: string) => boolean;
  remaining: number;
  status: number;
  body: Json;
  headers: Record<string, string>;
}

export interface FakeDiscord {
  /** Pass as `DISCORD_API_URL` / `config.discord.apiUrl`: discord.js appends `/v10`. */
  apiUrl: string;
  url: string;
  world: FakeWorld;
  calls: FakeCall[];
  /** What IDENTIFY carried (token and intents), once a client connected. */
  identify: { token: string; intents: number } | null;
  /** The last body each channel message had (after posts and edits), by message id. */
  messages: Map<string, { channelId: string; body: Json; edits: number }>;
  /** Direct-message channels the bot opened (`POST /users/@me/channels`), by the recipient's user id. */
  dmChannels: Map<string, string>;
  /** Resolves with the first call matching `pred` (already recorded or future). */
  waitFor(pred: (c: FakeCall) => boolean, timeoutMs?: number): Promise<FakeCall>;
  /** Resolves once `count` calls match `pred`. */
  waitForCount(pred: (c: FakeCall) => boolean, count: number, timeoutMs?: number): Promise<FakeCall[]>;
  /** Sends `INTERACTION_CREATE` over the gateway to every connected client; returns the payload. */
  dispatchInteraction<T extends { id: string }>(raw: T): T;
  /** The callback (`POST /interactions/{id}/{token}/callback`) for one interaction. */
  callbackFor(interactionId: string, timeoutMs?: number): Promise<FakeCall>;
  /** The application's public key (64 hex chars), for `DISCORD_PUBLIC_KEY`: the fake signs interactions with its private half. */
  publicKey: string;
  /**
   * Discord's side of the Interactions Endpoint URL: POSTs `raw` to `url` signed with the
   * application's key (Ed25519 over timestamp + body), as Discord does, and resolves with
   * the HTTP answer (the interaction callback). `headers` replace the signature headers.
   */
  postInteraction(url: string, raw: unknown, opts?: { timestamp?: number; headers?: Record<string, string> }): Promise<{ status: number; body: Json }>;
  /**
   * A channel the bot may not post in: a message sent there is refused as Discord refuses it
   * (403 Missing Access 50001 when it cannot see it, 403 Missing Permissions 50013 when it may
   * not send, 404 Unknown Channel 10003) until `allowChannel`.
   */
  denyChannel(channelId: string, code?: 50001 | 50013 | 10003): void;
  /** The bot was given View Channel and Send Messages there. */
  allowChannel(channelId: string): void;
  /** Answers the next `times` matching requests with 429 and `retry_after` (seconds). */
  rateLimit(opts: { method?: string; pathPrefix?: string; times: number; retryAfter: number }): void;
  /** Answers the next `times` matching requests with an error, e.g. 404 `{ code: 10062 }` (Unknown interaction). */
  fail(opts: { method?: string; pathPrefix?: string; times: number; status: number; body: Json }): void;
  /** Discord is well again: the `fail` and `rateLimit` rules still pending are dropped. */
  recover(): void;
  /**
   * The gateway drops the bot's session's socket with a code discord.js resumes after (4000,
   * as after an error on Discord's side). With `holdResume`, the RESUME that follows is not
   * answered (the session is not back) until `letResume`.
   */
  dropGateway(opts?: { holdResume?: boolean }): void;
  /** Answers the RESUME held back since `dropGateway({ holdResume: true })` with RESUMED, once it has come. */
  letResume(): Promise<void>;
  close(): Promise<void>;
}

const matcher = (method: string | undefined, pathPrefix: string | undefined) => (m: string, p: string) => (!method || m === method) && (!pathPrefix || p.startsWith(pathPrefix));

/** A local fake of Discord's REST API and Gateway on 127.0.0.1, enough for the real discord.js client. */
export async function startFakeDiscord(world: FakeWorld = createWorld(), opts: { port?: number } = {}): Promise<FakeDiscord> {
  const calls: FakeCall[] = [];
  const listeners = new Set<() => void>();
  const messages = new Map<string, { channelId: string; body: Json; edits: number }>();
  const rules: FailRule[] = [];
  const dmChannels = new Map<string, string>();
  const denied = new Map<string, 50001 | 50013 | 10003>();
  const DENIALS = { 50001: { status: 403, message: "Missing Access" }, 50013: { status: 403, message: "Missing Permissions" }, 10003: { status: 404, message: "Unknown Channel" } } as const;
  const acknowledged = new Set<string>();
  const keys = generateKeyPairSync("ed25519");
  const publicKey = Buffer.from(keys.publicKey.export({ format: "jwk" }).x!, "base64url").toString("hex");
  const sockets = new Set<WebSocket>();
  let seq = 0;
  let port = 0;
  const gatewayUrl = () => `ws://127.0.0.1:${port}/gateway`;

  const record = (c: FakeCall) => {
    calls.push(c);
    for (const l of [...listeners]) l();
  };

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, { ...(text ? { "content-type": "application/json" } : {}), ...headers });
    res.end(text);
  };

  const route = (method: string, path: string, query: URLSearchParams, body: Json): { status: number; body?: unknown } => {
    let m: RegExpExecArray | null;
    if (method === "GET" && (path === "/gateway/bot" || path === "/gateway")) {
      return { status: 200, body: { url: gatewayUrl(), shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14400000, max_concurrency: 1 } } };
    }
    if (method === "GET" && path === "/applications/@me") {
      return { status: 200, body: { id: world.applicationId, name: "gonogo", verify_key: publicKey, bot_public: false } };
    }
    if (method === "PUT" && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path)) {
      return { status: 200, body: (body as Record<string, unknown>[]).map((c) => ({ id: snowflake(), application_id: world.applicationId, version: snowflake(), default_member_permissions: null, ...c })) };
    }
    if (method === "POST" && /^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) {
      // Discord keeps the first callback and refuses any other (several gateway instances answering).
      const interactionId = path.split("/")[2]!;
      if (acknowledged.has(interactionId)) return { status: 400, body: { message: "Interaction has already been acknowledged.", code: 40060 } };
      acknowledged.add(interactionId);
      return query.get("with_response") === "true" ? { status: 200, body: { interaction: { id: path.split("/")[2], type: 3 } } } : { status: 204 };
    }
    if ((m = /^\/webhooks\/\d+\/[^/]+(?:\/messages\/(@original|\d+))?$/.exec(path))) {
      const id = m[1] && m[1] !== "@original" ? m[1] : snowflake();
      return { status: 200, body: messagePayload(world, world.channelId, id, body ?? {}, method === "PATCH") };
    }
    if (method === "POST" && path === "/users/@me/channels") {
      // Create DM: Discord answers with the one DM channel it keeps per pair of users (type 1, DM).
      const recipient: unknown = (body as { recipient_id?: unknown } | null)?.recipient_id;
      if (typeof recipient !== "string" || !/^\d+$/.test(recipient)) return { status: 400, body: { message: "Invalid Form Body", code: 50035, errors: { recipient_id: { _errors: [{ code: "NUMBER_TYPE_COERCE", message: "Value is not snowflake." }] } } } };
      const id = dmChannels.get(recipient) ?? snowflake();
      dmChannels.set(recipient, id);
      return { status: 200, body: { id, type: 1, last_message_id: null, flags: 0, recipients: [{ id: recipient, username: `user${recipient.slice(-4)}`, global_name: null, discriminator: "0", avatar: null }] } };
    }
    if (method === "POST" && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const refusal = denied.get(m[1]!);
      if (refusal) return { status: DENIALS[refusal].status, body: { message: DENIALS[refusal].message, code: refusal } };
      const id = snowflake();
      messages.set(id, { channelId: m[1]!, body, edits: 0 });
      const payload: Record<string, unknown> = messagePayload(world, m[1]!, id, body);
      // A message in a DM belongs to no server.
      if ([...dmChannels.values()].includes(m[1]!)) delete payload.guild_id;
      return { status: 200, body: payload };
    }
    if (method === "PATCH" && (m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) {
      const known = messages.get(m[2]!);
      if (!known) return { status: 404, body: { message: "Unknown Message", code: 10008 } };
      messages.set(m[2]!, { channelId: m[1]!, body: { ...known.body, ...body }, edits: known.edits + 1 });
      return { status: 200, body: messagePayload(world, m[1]!, m[2]!, messages.get(m[2]!)!.body, true) };
    }
    return { status: 404, body: { message: "404: Not Found", code: 0 } };
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      // discord.js percent-encodes `@original`; decode so routes read as documented.
      const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, "");
      const method = req.method ?? "GET";
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: Json;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = raw;
      }
      const auth = req.headers.authorization ?? null;
      const rule = rules.find((r) => r.remaining > 0 && r.match(method, path));
      if (rule) {
        rule.remaining--;
        record({ method, path, query: url.searchParams, body, auth, status: rule.status, response: rule.body });
        send(res, rule.status, rule.body, rule.headers);
        return;
      }
      const out = route(method, path, url.searchParams, body);
      record({ method, path, query: url.searchParams, body, auth, status: out.status, response: out.body ?? null });
      send(res, out.status, out.body);
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    if (!req.url?.startsWith("/gateway")) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws));
  });

  const fake: FakeDiscord = {
    apiUrl: "",
    url: "",
    world,
    calls,
    identify: null,
    messages,
    dmChannels,
    waitFor: (pred, timeoutMs = 3000) => fake.waitForCount(pred, 1, timeoutMs).then((cs) => cs[0]!),
    waitForCount(pred, count, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = calls.filter(pred);
          if (found.length < count) return false;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found.slice(0, count));
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          const seen = calls.map((c) => `${c.status} ${c.method} ${c.path}`).slice(-15).join("\n  ");
          reject(new Error(`fake Discord: ${calls.filter(pred).length}/${count} matching calls after ${timeoutMs} ms; last calls:\n  ${seen}`));
        }, timeoutMs);
        if (!check()) listeners.add(check);
      });
    },
    dispatchInteraction(raw) {
      const packet = JSON.stringify({ op: 0, t: "INTERACTION_CREATE", s: ++seq, d: raw });
      for (const ws of sockets) ws.send(packet);
      return raw;
    },
    callbackFor: (interactionId, timeoutMs) => fake.waitFor((c) => c.method === "POST" && c.path.startsWith(`/interactions/${interactionId}/`) && c.status < 300, timeoutMs),
    publicKey,
    async postInteraction(url, raw, opts = {}) {
      // `undefined` (a fuzzed body) has no JSON: it is sent as an empty body.
      const body = (JSON.stringify(raw) as string | undefined) ?? "";
      const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
      const signature = signBytes(null, Buffer.from(timestamp + body), keys.privateKey).toString("hex");
      const headers = opts.headers ?? { "x-signature-ed25519": signature, "x-signature-timestamp": timestamp };
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "user-agent": "Discord-Interactions/1.0 (+https://discord.com)", ...headers }, body });
      const text = await res.text();
      let parsed: Json = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: the test sees the text
      }
      return { status: res.status, body: parsed };
    },
    denyChannel: (channelId, code = 50001) => void denied.set(channelId, code),
    allowChannel: (channelId) => void denied.delete(channelId),
    rateLimit({ method, pathPrefix, times, retryAfter }) {
      rules.push({
        match: matcher(method, pathPrefix),
        remaining: times,
        status: 429,
        body: { message: "You are being rate limited.", retry_after: retryAfter, global: false },
        headers: {
          "retry-after": String(Math.ceil(retryAfter)),
          "x-ratelimit-limit": "5",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset-after": String(retryAfter),
          "x-ratelimit-bucket": "fake-bucket",
          "x-ratelimit-scope": "user",
        },
      });
    },
    fail({ method, pathPrefix, times, status, body }) {
      rules.push({ match: matcher(method, pathPrefix), remaining: times, status, body, headers: {} });
    },
    recover: () => void rules.splice(0),
    dropGateway(opts = {}) {
      holdResume = opts.holdResume ?? false;
      resumeAsked = deferred<WebSocket>();
      for (const ws of sockets) ws.close(4000, "unknown error");
    },
    async letResume() {
      const ws = await resumeAsked.promise;
      holdResume = false;
      resumed(ws);
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  let holdResume = false;
  let resumeAsked = deferred<WebSocket>();
  const resumed = (ws: WebSocket) => ws.send(JSON.stringify({ op: 0, t: "RESUMED", s: ++seq, d: {} }));
  wss.on("connection", (ws) => {
    sockets.add(ws);
    ws.on("close", () => sockets.delete(ws));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 } }));
    ws.on("message", (data: Buffer) => {
      const msg = JSON.parse(data.toString("utf8")) as { op: number; d: Json };
      if (msg.op === 1) ws.send(JSON.stringify({ op: 11 }));
      // RESUME after a drop: the session is back, with nothing to replay.
      if (msg.op === 6) {
        resumeAsked.resolve(ws);
        if (!holdResume) resumed(ws);
      }
      if (msg.op === 2) {
        fake.identify = { token: String(msg.d.token), intents: Number(msg.d.intents) };
        ws.send(JSON.stringify({ op: 0, t: "READY", s: ++seq, d: readyPayload(world, gatewayUrl()) }));
        ws.send(JSON.stringify({ op: 0, t: "GUILD_CREATE", s: ++seq, d: guildCreatePayload(world) }));
      }
    });
  });

  // A given port: the fake comes up where gonogo was already told Discord is (an outage that ends).
  await new Promise<void>((r) => server.listen(opts.port ?? 0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
  fake.url = `http://127.0.0.1:${port}`;
  fake.apiUrl = `${fake.url}/api`;
  return fake;
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

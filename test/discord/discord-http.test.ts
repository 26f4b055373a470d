import { createServer } from "node:http";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createDiscordAdapter } from "../../adapters/discord/index.js";
import { buttonCustomId, formCustomId } from "../../adapters/discord/ids.js";
import { OTHER_SERVER } from "../../adapters/discord/interactions.js";
import type { Bot } from "../../src/app/bot-api.js";
import { PlatformUnavailable, type Logger, type StartedPlatform } from "../../src/app/ports.js";
import { createHttpServer, type HttpServer } from "../../src/http/server.js";
import { BOT_TOKEN, buttonPress, member, modalSubmit, slashCommand, type FakeMember } from "../../fakes/discord-fixtures.js";
import { startFakeDiscord, type FakeCall, type FakeDiscord, type Json } from "../../fakes/discord-server.js";
import { admins, createTestCore, type TestCore } from "../helpers/core.js";
import { closedPort } from "../helpers/closed-port.js";
import { CALLBACK, voteField } from "./harness.js";

/**
 * Discord's HTTP delivery (the Interactions Endpoint URL): the fake signs each interaction
 * with the application's Ed25519 key, as Discord does, and POSTs it to our HTTP server; the
 * HTTP response is the interaction callback. Cards still go out over REST.
 */

interface Endpoint {
  fake: FakeDiscord;
  core: TestCore;
  http: HttpServer;
  url: string;
  logs: Array<{ level: string; msg: string }>;
  /** What start() gave back: `unfinished` when /release could not be registered. */
  started: StartedPlatform;
  post(raw: unknown, opts?: Parameters<FakeDiscord["postInteraction"]>[2]): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startEndpoint(opts: { wrapBot?: (bot: Bot) => Bot; deferAfterMs?: number; publicKey?: string; apiUrl?: string; beforeStart?: (fake: FakeDiscord) => void } = {}): Promise<Endpoint> {
  const fake = await startFakeDiscord();
  cleanups.push(() => fake.close());
  opts.beforeStart?.(fake);
  const core = createTestCore({ config: { admins: admins(`discord:${fake.world.guildId}:${member(0).id}`) }, fastForward: true });
  const logs: Endpoint["logs"] = [];
  const log: Logger = {
    info: (_o, msg) => logs.push({ level: "info", msg }),
    warn: (_o, msg) => logs.push({ level: "warn", msg }),
    error: (_o, msg) => logs.push({ level: "error", msg }),
  };
  const http = createHttpServer((err) => logs.push({ level: "error", msg: String(err) }));
  const port = await http.listen(0, "127.0.0.1");
  const bot = opts.wrapBot ? opts.wrapBot(core.bot) : core.bot;
  const adapter = createDiscordAdapter({
    bot,
    config: { token: BOT_TOKEN, applicationId: fake.world.applicationId, guildId: fake.world.guildId, apiUrl: opts.apiUrl ?? fake.apiUrl, publicKey: opts.publicKey ?? fake.publicKey },
    log,
    http,
    minUpdateIntervalMs: 50,
    ...(opts.deferAfterMs ? { deferAfterMs: opts.deferAfterMs } : {}),
  });
  core.bot.attachSurface(adapter.surface);
  cleanups.push(async () => {
    await core.close();
    await http.close();
  });
  const discord = await adapter.start();
  const url = `http://127.0.0.1:${port}/discord/interactions`;
  const endpoint: Endpoint = {
    fake,
    core,
    http,
    url,
    logs,
    started: discord,
    post: (raw, o) => fake.postInteraction(url, raw, o),
    async close() {
      await discord.stop();
    },
  };
  cleanups.push(() => endpoint.close());
  return endpoint;
}

const base = (e: Endpoint, user: FakeMember) => ({ world: e.fake.world, user });
const isCard = (e: Endpoint) => (c: FakeCall) => c.method === "POST" && c.path === `/channels/${e.fake.world.channelId}/messages` && c.status === 200 && !c.body.message_reference;
const EPHEMERAL = 64;

/** Creates R-1 over the endpoint and returns the card's message id. */
async function createRelease(e: Endpoint): Promise<string> {
  const answer = await e.post(slashCommand(base(e, member(0)), "create", { service: "payments", version: "1.4.2", when: "in 2h" }));
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ type: CALLBACK.message, data: { flags: EPHEMERAL } });
  expect(answer.body.data.content).toContain("Created R-1");
  return String((await e.fake.waitFor(isCard(e))).response.id);
}

describe("Discord interactions over HTTP (DISCORD_PUBLIC_KEY)", () => {
  it("answers Discord's PING with a PONG, registers /release over REST and opens no gateway session", async () => {
    const e = await startEndpoint();
    expect(await e.post({ id: "1187400000000000001", application_id: e.fake.world.applicationId, type: 1, token: "t", version: 1 })).toEqual({ status: 200, body: { type: 1 } });
    expect(e.fake.calls.some((c) => c.method === "PUT" && c.path.endsWith("/commands"))).toBe(true);
    expect(e.fake.calls.some((c) => c.path.startsWith("/gateway"))).toBe(false);
    expect(e.fake.identify).toBeNull();
  });

  it("refuses to start with a DISCORD_PUBLIC_KEY that is not the application's: every press would fail with 401 while it looked ready", async () => {
    const otherKey = "ab".repeat(32);
    await expect(startEndpoint({ publicKey: otherKey })).rejects.toThrow("DISCORD_PUBLIC_KEY is not this application's public key");
  });

  it("starts while Discord's API cannot be reached (an outage): answers what Discord sends, so the instance keeps serving, and hands the registration back to be tried again", async () => {
    const down = await closedPort();
    const e = await startEndpoint({ apiUrl: `http://127.0.0.1:${down}/api` });
    expect(e.started.unfinished?.failed).toBe("could not register /release");
    expect(e.started.unfinished?.failure.message).toContain("ECONNREFUSED");
    expect(e.started.unfinished?.meanwhile).toContain("check this machine's network and proxy, and DISCORD_API_URL if set");
    expect(e.logs.filter((l) => l.level !== "info")).toEqual([]);
    expect(await e.post({ id: "1187400000000000001", application_id: e.fake.world.applicationId, type: 1, token: "t", version: 1 })).toEqual({ status: 200, body: { type: 1 } });
  });

  it("starts while Discord's API answers 503 (an outage behind its edge); a later try registers /release once Discord is back, or says what to fix when it refuses the token", async () => {
    const outage = await startEndpoint({ beforeStart: (fake) => fake.fail({ method: "PUT", pathPrefix: "/applications/", times: Infinity, status: 503, body: { message: "Service Unavailable" } }) });
    const step = outage.started.unfinished!;
    expect(step.failure.message).toContain("503");
    const registered = () => outage.fake.calls.filter((c) => c.method === "PUT" && c.path.endsWith("/commands") && c.status === 200);
    await expect(step.retry(new AbortController().signal)).rejects.toBeInstanceOf(PlatformUnavailable);
    outage.fake.recover();
    await step.retry(new AbortController().signal);
    expect(registered()).toHaveLength(1);
    outage.fake.fail({ method: "PUT", pathPrefix: "/applications/", times: Infinity, status: 401, body: { message: "401: Unauthorized", code: 0 } });
    const refused = (await step.retry(new AbortController().signal).catch((err: unknown) => err)) as Error;
    expect(refused).not.toBeInstanceOf(PlatformUnavailable);
    expect(refused.message).toBe("401: Unauthorized. Check DISCORD_TOKEN (Developer Portal → Bot → Reset Token).");
    await expect(startEndpoint({ beforeStart: (fake) => fake.fail({ method: "PUT", pathPrefix: "/applications/", times: 5, status: 401, body: { message: "401: Unauthorized", code: 0 } }) })).rejects.toThrow(
      "Discord start failed: 401: Unauthorized Check DISCORD_TOKEN",
    );
  });

  it("checks DISCORD_PUBLIC_KEY once a later try registers /release (skipped while Discord was down), and says loudly when it is another application's", async () => {
    const e = await startEndpoint({ publicKey: "ab".repeat(32), beforeStart: (fake) => fake.fail({ method: "PUT", pathPrefix: "/applications/", times: Infinity, status: 503, body: { message: "Service Unavailable" } }) });
    e.fake.recover();
    await e.started.unfinished!.retry(new AbortController().signal);
    expect(e.logs.filter((l) => l.level === "error").map((l) => l.msg)).toEqual([expect.stringMatching(/^DISCORD_PUBLIC_KEY is not this application's public key: .* Until then every Discord interaction sent to this instance is refused \(401\)\.$/)]);
  });

  it("refuses a missing, forged or stale signature with 401 and changes nothing", async () => {
    const e = await startEndpoint();
    const create = slashCommand(base(e, member(0)), "create", { service: "payments", version: "1.4.2" });
    const now = Math.floor(Date.now() / 1000);
    const refused = [
      await e.post(create, { headers: {} }),
      await e.post(create, { headers: { "x-signature-ed25519": "ab".repeat(64), "x-signature-timestamp": String(now) } }),
      await e.post(create, { headers: { "x-signature-ed25519": "not hex", "x-signature-timestamp": String(now) } }),
      await e.post(create, { timestamp: now - 10 * 60 }),
      await e.post(create, { timestamp: now + 10 * 60 }),
      // A PING with a bad signature too: Discord checks exactly this before it saves the URL.
      await e.post({ id: "1187400000000000001", application_id: e.fake.world.applicationId, type: 1, token: "t", version: 1 }, { headers: { "x-signature-ed25519": "00".repeat(64), "x-signature-timestamp": String(now) } }),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(await e.core.store.listReleases({})).toEqual([]);
    expect(e.fake.calls.some(isCard(e))).toBe(false);
  });

  it("refuses a body signed for another body (the signature covers timestamp + raw body)", async () => {
    const e = await startEndpoint();
    const signedFor = slashCommand(base(e, member(1)), "list");
    // Capture the headers Discord would send for one body, then send another body with them.
    const captured: Record<string, string> = {};
    const server = createServer((req, res) => {
      captured["x-signature-ed25519"] = String(req.headers["x-signature-ed25519"]);
      captured["x-signature-timestamp"] = String(req.headers["x-signature-timestamp"]);
      res.end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as { port: number }).port;
    await e.fake.postInteraction(`http://127.0.0.1:${port}/`, signedFor);
    // The same interaction with a role added: a forged claim to be QA.
    const tampered = { ...signedFor, member: { ...signedFor.member, roles: [e.fake.world.roles.QA!] } };
    expect((await e.post(tampered, { headers: captured })).status).toBe(401);
    expect((await e.post(signedFor, { headers: captured })).status).toBe(200);
  });

  it("runs a slash command, a vote press and a no-go modal, answering each in the HTTP response, and edits the card over REST", async () => {
    const e = await startEndpoint();
    const cardId = await createRelease(e);

    const voter = member(3);
    const go = await e.post(buttonPress(base(e, voter), buttonCustomId("go", "R-1"), cardId));
    expect(go.status).toBe(200);
    expect(go.body).toMatchObject({ type: CALLBACK.message, data: { flags: EPHEMERAL, allowed_mentions: { parse: [] } } });
    expect(go.body.data.content).toMatch(/GO/);
    await e.core.settle();
    expect(voteField(e.fake.messages.get(cardId)!.body, "GO")).toContain("Member 3");
    expect(e.fake.messages.get(cardId)!.edits).toBeGreaterThan(0);

    const noGo = await e.post(buttonPress(base(e, member(4)), buttonCustomId("no_go", "R-1"), cardId));
    expect(noGo.body).toMatchObject({ type: CALLBACK.modal, data: { custom_id: expect.stringMatching(/^g1:f:no_go:R-1:@[0-9a-f]{8}$/) } });
    const submitted = await e.post(modalSubmit(base(e, member(4)), formCustomId("no_go", "R-1"), { reason: "error budget spent" }, cardId));
    expect(submitted.body).toMatchObject({ type: CALLBACK.message, data: { flags: EPHEMERAL } });
    expect(submitted.body.data.content).toContain("NO-GO");
    await e.core.settle();
    expect(voteField(e.fake.messages.get(cardId)!.body, "NO-GO")).toContain("error budget spent");
    const votes = await e.core.store.getVotes("R-1");
    expect(votes.map((v) => [v.voter, v.choice])).toEqual([
      [`discord:${e.fake.world.guildId}:${voter.id}`, "go"],
      [`discord:${e.fake.world.guildId}:${member(4).id}`, "no_go"],
    ]);
    // Nothing went through interaction callbacks over REST: every answer was the HTTP response.
    expect(e.fake.calls.filter((c) => c.path.startsWith("/interactions/"))).toEqual([]);
  });

  it("with DISCORD_GUILD_ID set, refuses commands, presses and autocomplete from any other server", async () => {
    const e = await startEndpoint();
    const cardId = await createRelease(e);
    const stranger = { world: { ...e.fake.world, guildId: "999999999999999999" }, user: member(7) };
    for (const raw of [slashCommand(stranger, "list"), buttonPress(stranger, buttonCustomId("go", "R-1"), cardId)]) {
      expect((await e.post(raw)).body).toMatchObject({ type: CALLBACK.message, data: { content: OTHER_SERVER, flags: EPHEMERAL } });
    }
    expect((await e.post(slashCommand(stranger, "status", { id: "R" }, "autocomplete", "id"))).body).toEqual({ type: 8, data: { choices: [] } });
    expect(await e.core.store.getVotes("R-1")).toEqual([]);
  });

  it("autocompletes a release id with the releases the subcommand can act on, and a service, as the gateway does", async () => {
    const e = await startEndpoint();
    await createRelease(e);
    const offered = async (sub: string) => ((await e.post(slashCommand(base(e, member(3)), sub, { id: "" }, "autocomplete", "id"))).body.data.choices as Array<{ value: string }>).map((c) => c.value);
    expect(await offered("vote")).toEqual(["R-1"]);
    expect(await offered("rollback")).toEqual([]);
    const services = await e.post(slashCommand(base(e, member(3)), "lock", { service: "pay" }, "autocomplete", "service"));
    expect(services.body).toEqual({ type: CALLBACK.autocomplete, data: { choices: [{ name: "payments", value: "payments" }] } });
  });

  it("says in a create's answer which permission the card lacks in this channel, as the gateway does", async () => {
    const e = await startEndpoint();
    const noEmbeds = (BigInt("2248473465835073") & ~BigInt(16384)).toString();
    const answer = await e.post({ ...slashCommand(base(e, member(0)), "create", { service: "payments", version: "1.4.2" }), app_permissions: noEmbeds });
    expect(answer.body.data.content).toContain("⚠️ gonogo cannot post or show R-1's card in this channel: it lacks Embed Links here.");
  });

  it("makes the same event of a role mention as the gateway: a server role gets the binding", async () => {
    const e = await startEndpoint();
    const qa = e.fake.world.roles.QA!;
    const answer = await e.post(slashCommand(base(e, member(0)), "role", { action: "grant", who: { role: qa }, role: "qa" }));
    expect(answer.body.data.content).toMatch(/qa/);
    expect((await e.core.store.listRoleBindings()).map((b) => [b.subject, b.role])).toEqual([[`discord-role:${e.fake.world.guildId}:${qa}`, "qa"]]);
  });

  it("calls a release manager picked with the manager option by their name, as the gateway does", async () => {
    const e = await startEndpoint();
    const manager = member(2);
    const created = await e.post(slashCommand(base(e, member(0)), "create", { service: "payments", version: "1.4.2", when: "in 2h", manager: { user: manager } }));
    expect(created.body.data.content).toContain("Created R-1");
    const refused = await e.post(slashCommand(base(e, member(3)), "schedule", { id: "R-1", when: "in 3h" }));
    expect(refused.body.data.content).toContain("Only Member 2 (the release manager of R-1), a release-manager or an admin may schedule R-1.");
    expect((await e.core.store.getRelease("R-1"))?.managerName).toBe("Member 2");
  });

  it("does nothing twice for a replayed request: the same signed interaction is acknowledged without a second vote", async () => {
    const e = await startEndpoint();
    const cardId = await createRelease(e);
    const press = buttonPress(base(e, member(5)), buttonCustomId("go", "R-1"), cardId);
    expect((await e.post(press)).body.type).toBe(CALLBACK.message);
    expect((await e.post(press)).body).toEqual({ type: CALLBACK.deferredUpdate });
    await e.core.settle();
    expect((await e.core.store.listAudit("R-1")).filter((a) => a.type === "vote_cast")).toHaveLength(1);
  });

  it("answers any signed body, however malformed, with 200 or 400 and never an internal error", async () => {
    const e = await startEndpoint();
    const cardId = await createRelease(e);
    const valid = [
      slashCommand(base(e, member(7)), "vote", { id: "R-1", choice: "go" }),
      buttonPress(base(e, member(7)), buttonCustomId("abstain", "R-1"), cardId),
      modalSubmit(base(e, member(7)), formCustomId("no_go", "R-1"), { reason: "x" }),
    ];
    // A valid interaction with one field replaced by anything, or anything at all.
    const mutated = fc.tuple(fc.constantFrom(...valid), fc.constantFrom("type", "data", "member", "guild_id", "channel_id", "id", "token"), fc.anything()).map(([v, key, value]) => ({ ...v, [key]: value }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, fc.anything()), async (raw) => {
        const answer = await e.post(raw);
        expect([200, 400]).toContain(answer.status);
        if (answer.status === 200) expect(JSON.stringify(answer.body)).not.toMatch(/went wrong/i);
      }),
      { numRuns: 60 },
    );
    expect(e.logs.filter((l) => l.level === "error")).toEqual([]);
  }, 30_000);

  it("sends the audit export as attachments: a private deferral, then the files on the original response over REST", async () => {
    const e = await startEndpoint();
    await createRelease(e);
    const answer = await e.post(slashCommand(base(e, member(0)), "audit", { action: "export" }));
    expect(answer.body).toEqual({ type: CALLBACK.deferredMessage, data: { flags: EPHEMERAL } });
    const edit = await e.fake.waitFor((c) => c.method === "PATCH" && c.path.endsWith("/messages/@original"));
    expect(edit.auth).toBeNull();
    // Multipart: the files ride in the body beside payload_json.
    const body = String(edit.body);
    expect(body).toContain('filename="gonogo-audit-');
    expect(body).toContain("release_created");
  });

  it("defers when the core is slow and edits the original response over REST when the answer comes", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const e = await startEndpoint({ deferAfterMs: 30, wrapBot: (bot) => ({ ...bot, handleOnce: async (id, event) => (await gate, bot.handleOnce(id, event)) }) });
    const answer = await e.post(slashCommand(base(e, member(0)), "list"));
    expect(answer.body).toEqual({ type: CALLBACK.deferredMessage, data: { flags: EPHEMERAL } });
    release();
    const edit = await e.fake.waitFor((c) => c.method === "PATCH" && c.path.startsWith(`/webhooks/${e.fake.world.applicationId}/`) && c.path.endsWith("/messages/@original"));
    expect(edit.auth).toBeNull();
    expect(String(edit.body.content ?? edit.body)).toMatch(/release|R-/i);
  });
});

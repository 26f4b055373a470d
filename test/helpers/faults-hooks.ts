import { randomUUID } from "node:crypto";
import { registerHookRoutes } from "../../src/http/hooks.js";
import { createHttpServer } from "../../src/http/server.js";
import { createTestCore, type TestCore } from "./core.js";
import { referenceVerifier } from "./webhook-receiver.js";

export const HOOK_SECRET = "faults-hook-secret";

/** The real hook routes on 127.0.0.1 in front of a test core. */
export async function startHookServer(core: TestCore = createTestCore({ config: { webhookSecret: HOOK_SECRET } })) {
  const http = createHttpServer(() => undefined);
  registerHookRoutes(http, { bot: core.bot, secret: HOOK_SECRET, log: { info() {}, warn() {}, error() {} }, clock: core.clock });
  const url = `http://127.0.0.1:${await http.listen(0, "127.0.0.1")}`;
  return {
    core,
    url,
    /**
     * POSTs a body to /hooks/<kind>, signed per Standard Webhooks by the `standardwebhooks`
     * library with `secret` at `ts` (unix seconds) under a fresh webhook-id, unless headers are given.
     */
    async post(kind: "deploy" | "alert" | "check", body: string, opts: { ts?: number; secret?: string; headers?: Record<string, string> } = {}) {
      const ts = opts.ts ?? Math.floor(core.clock.now() / 1000);
      const id = `msg_${randomUUID()}`;
      const headers = opts.headers ?? {
        "webhook-id": id,
        "webhook-timestamp": String(ts),
        "webhook-signature": referenceVerifier(opts.secret ?? HOOK_SECRET).sign(id, new Date(ts * 1000), body),
      };
      const res = await fetch(`${url}/hooks/${kind}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
      return { status: res.status, body: (await res.json().catch(() => null)) as unknown };
    },
    async close() {
      await http.close();
      await core.close();
    },
  };
}

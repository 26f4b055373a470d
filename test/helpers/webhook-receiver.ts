import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import { Webhook } from "standardwebhooks";
import { vi } from "vitest";

export interface ReceivedHook {
  headers: IncomingMessage["headers"];
  body: string;
  json: Record<string, unknown>;
  /** The `standardwebhooks` reference library accepted the `webhook-*` headers. */
  validSignature: boolean;
  /** The library's refusal, when it refused. */
  signatureError: string | null;
  /** The deprecated `X-Gonogo-Signature` matched too (sent alongside for one release). */
  validLegacySignature: boolean;
}

/**
 * The library as a receiver sets it up: a `whsec_` secret as it is, and a plain secret as its
 * bytes (`format: "raw"`; the library reads each character as one byte, so plain secrets are ASCII here).
 */
export function referenceVerifier(secret: string): Webhook {
  return secret.startsWith("whsec_") ? new Webhook(secret) : new Webhook(secret, { format: "raw" });
}

/**
 * A CI system on 127.0.0.1 that receives gonogo's webhooks and checks their signature
 * the way the README tells receivers to: with the `standardwebhooks` library.
 * `failFirst` answers 500 that many times. `now` is the receiver's clock (ms): a core on a
 * fake clock signs with the fake time, so the receiver lives in the same time.
 */
export async function startWebhookReceiver(secret: string, opts: { failFirst?: number; now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  const received: ReceivedHook[] = [];
  const verifier = referenceVerifier(secret);
  let failures = opts.failFirst ?? 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let signatureError: string | null = null;
      try {
        atTime(now(), () => verifier.verify(body, req.headers as Record<string, string>));
      } catch (err) {
        signatureError = (err as Error).message;
      }
      // The deprecated check, as the README showed receivers before Standard Webhooks.
      const ts = Number(req.headers["x-gonogo-timestamp"]);
      const key = secret.startsWith("whsec_") ? Buffer.from(secret.slice(6), "base64") : secret;
      const legacy = `v1=${createHmac("sha256", key).update(`${ts}.${body}`).digest("hex")}`;
      received.push({
        headers: req.headers,
        body,
        json: JSON.parse(body) as Record<string, unknown>,
        validSignature: signatureError === null,
        signatureError,
        validLegacySignature: req.headers["x-gonogo-signature"] === legacy && Math.abs(now() / 1000 - ts) <= 300,
      });
      if (failures > 0) {
        failures--;
        res.writeHead(500).end("down");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks/rollback`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Runs `fn` with the wall clock set to `ms`: the reference library checks the timestamp
 * against Date.now() and takes no clock, so the receiver's own time is lent to it.
 */
function atTime<T>(ms: number, fn: () => T): T {
  if (Math.abs(ms - Date.now()) < 1000) return fn();
  vi.useFakeTimers({ toFake: ["Date"], now: ms });
  try {
    return fn();
  } finally {
    vi.useRealTimers();
  }
}

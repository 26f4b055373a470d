import { createServer, type IncomingMessage } from "node:http";
import { verifySignature } from "../../src/app/webhooks.js";

export interface ReceivedHook {
  headers: IncomingMessage["headers"];
  body: string;
  json: Record<string, unknown>;
  validSignature: boolean;
}

/**
 * A CI system on 127.0.0.1 that receives gonogo's webhooks and checks their signature
 * the way the README tells receivers to. `failFirst` answers 500 that many times. `now`
 * is the receiver's clock (ms): the test's fake clock, since gonogo signs with the one it is given.
 */
export async function startWebhookReceiver(secret: string, opts: { failFirst?: number; now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  const received: ReceivedHook[] = [];
  let failures = opts.failFirst ?? 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const ts = Number(req.headers["x-gonogo-timestamp"]);
      const sig = String(req.headers["x-gonogo-signature"] ?? "");
      received.push({ headers: req.headers, body, json: JSON.parse(body) as Record<string, unknown>, validSignature: verifySignature(secret, ts, body, sig, Math.floor(now() / 1000)) });
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

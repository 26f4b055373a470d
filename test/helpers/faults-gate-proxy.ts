import { once } from "node:events";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An HTTP proxy on 127.0.0.1 in front of a fake platform API that can hold matching
 * requests (a stalled API) until released. Everything else passes straight through.
 */
export async function startGateProxy(target: string) {
  const upstream = new URL(target);
  let hold: ((method: string, path: string) => boolean) | null = null;
  const held: Array<() => void> = [];
  const seen: Array<{ method: string; path: string; heldAt: number | null; releasedAt: number | null }> = [];

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on("error", () => res.headersSent || res.writeHead(502).end());
    out.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const entry = { method: req.method ?? "GET", path, heldAt: null as number | null, releasedAt: null as number | null };
      seen.push(entry);
      if (hold?.(entry.method, path)) {
        entry.heldAt = seen.length;
        held.push(() => {
          entry.releasedAt = seen.length;
          forward(req, res, body);
        });
        return;
      }
      forward(req, res, body);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    /** Starts holding requests that match; they wait until `release()`. */
    holdWhere(pred: (method: string, path: string) => boolean) {
      hold = pred;
    },
    heldCount: () => held.length,
    /** Lets every held request through and stops holding. */
    release() {
      hold = null;
      for (const go of held.splice(0)) go();
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_BODY = 64 * 1024;

/**
 * Reads a request body, refusing (null) anything over `maxBytes`. The rest of an oversized
 * body is read and dropped, not kept: cutting the connection instead would lose the 413 that
 * says why (the sender sees only "connection reset"), and the server's request timeout still
 * ends a body that never stops.
 */
export function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) chunks.length = 0;
      else chunks.push(c);
    });
    req.on("end", () => resolve(size > maxBytes ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Reads a request body as text, refusing anything over 64 KiB. */
export async function readBody(req: IncomingMessage): Promise<string | null> {
  return (await readRawBody(req, MAX_BODY))?.toString("utf8") ?? null;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

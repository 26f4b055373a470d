import { createServer, request, type Server } from "node:http";

export interface RoundRobinProxy {
  url: string;
  /** Which upstream (by index) took each request, in order. */
  served: number[];
  close(): Promise<void>;
}

/** How long an upstream that refused a connection is left out of the rotation (nginx's fail_timeout). */
const LEFT_OUT_MS = 10_000;

/**
 * A load balancer in miniature: each request goes to the next upstream port in turn, body
 * and headers as they are (Slack's signature stays valid). A request to an upstream that
 * cannot be reached answers 502, and that upstream is left out for a while, as a real
 * balancer's passive health check does (nginx's max_fails=1).
 */
export async function startRoundRobinProxy(ports: () => number[]): Promise<RoundRobinProxy> {
  let turn = 0;
  const served: number[] = [];
  const leftOutUntil = new Map<number, number>();
  const server: Server = createServer((req, res) => {
    const all = ports();
    let index = turn++ % all.length;
    for (let tries = 1; tries < all.length && (leftOutUntil.get(all[index]!) ?? 0) > Date.now(); tries++) index = turn++ % all.length;
    served.push(index);
    const port = all[index]!;
    const upstream = request({ host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNREFUSED") leftOutUntil.set(port, Date.now() + LEFT_OUT_MS);
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end("upstream unreachable");
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createServer, request, type Server } from "node:http";

export interface RoundRobinProxy {
  url: string;
  /** Which upstream (by index) took each request, in order. */
  served: number[];
  close(): Promise<void>;
}

/**
 * A load balancer in miniature: each request goes to the next upstream port in turn, body
 * and headers as they are (Slack's signature stays valid). An upstream that cannot be
 * reached answers 502, as a real balancer does before its health check notices.
 */
export async function startRoundRobinProxy(ports: () => number[]): Promise<RoundRobinProxy> {
  let turn = 0;
  const served: number[] = [];
  const server: Server = createServer((req, res) => {
    const all = ports();
    const index = turn++ % all.length;
    served.push(index);
    const upstream = request({ host: "127.0.0.1", port: all[index], method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => {
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

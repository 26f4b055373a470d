import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The one HTTP server on PORT. Adapters and features register routes on it (Slack's
 * `/slack/events`, `/healthz`, hooks) so everything shares one port.
 */
export interface HttpServer {
  route(method: string, path: string, handler: RouteHandler): void;
  /** Answers any request under `prefix` that no route takes (a page's own 404), instead of the JSON one. */
  notFound(prefix: string, handler: RouteHandler): void;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
  readonly server: Server;
}

/** How long a client may take to send a request's headers, and the whole request. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 15_000;

export function createHttpServer(onError: (err: unknown) => void): HttpServer {
  const routes = new Map<string, RouteHandler>();
  const notFound: Array<[prefix: string, handler: RouteHandler]> = [];
  // A request must arrive whole within seconds: Slack, Discord and the hooks send small bodies at
  // once, and a client trickling a large body (unsigned, as it is read before any signature check)
  // would otherwise hold its buffer for Node's default five minutes. Node checks every
  // `connectionsCheckingInterval`. Responses (the web view's event stream) are not limited by this.
  const limits = { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 2_000 };
  const server = createServer(limits, (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const handler = routes.get(`${req.method} ${path}`) ?? notFound.find(([prefix]) => path.startsWith(prefix))?.[1];
    if (!handler) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: `no route for ${req.method} ${path}` }));
      return;
    }
    const work = Promise.resolve(handler(req, res))
      .catch((err: unknown) => {
        onError(err);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "internal error" }));
      })
      .finally(() => handling.delete(work));
    handling.add(work);
  });
  // Handlers still running, some after their response went out (a Discord deferral is filled in over
  // REST once the press commits): close() waits for them too, so the database is not closed under them.
  const handling = new Set<Promise<void>>();
  return {
    server,
    route(method, path, handler) {
      routes.set(`${method.toUpperCase()} ${path}`, handler);
    },
    notFound(prefix, handler) {
      notFound.push([prefix, handler]);
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const addr = server.address();
          resolve(typeof addr === "object" && addr ? addr.port : port);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        // No new connections; requests in flight finish (a vote being committed is still
        // answered, a deferred one filled in) and idle keep-alive connections close now. Whatever
        // is still open after a few seconds is cut, so a stuck client cannot hold a shutdown.
        const cut = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, 5_000);
        server.close(() => {
          void Promise.allSettled([...handling]).then(() => {
            clearTimeout(cut);
            resolve();
          });
        });
        server.closeIdleConnections();
      });
    },
  };
}

import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { openLiveStream } from "../../src/web/live.js";
import { createFakeTime, T0 } from "../helpers/core.js";

/*
 * A live page's stream holds a listener on every committed change and a keep-alive timer. The
 * route checks the viewer and the release before opening it; a browser that leaves during that
 * check (a tab closed, a page navigated away) must not leave them behind: over months each one
 * would wake on every vote and read the database for a page nobody has open.
 */

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve())));

describe("a live page's stream", () => {
  it("holds nothing once the browser left, even when it left before the stream opened", async () => {
    const time = createFakeTime(T0);
    const listeners = new Set<(id: string) => void>();
    let received = 0;
    let opened = 0;
    server = createServer((req, res) => {
      received += 1;
      // Half the pages are closed while the route still checks them (its read takes a while).
      const leftEarly = req.url === "/early";
      void (async () => {
        if (leftEarly) await new Promise((resolve) => res.once("close", resolve));
        openLiveStream({
          res,
          timer: time.timer,
          subscribe: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
          visible: (ids) => Promise.resolve(ids),
          onError: () => {},
        });
        opened += 1;
      })();
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

    for (let page = 0; page < 20; page++) {
      const aborted = new AbortController();
      const path = page % 2 ? "/early" : "/";
      const answered = fetch(`${base}${path}`, { signal: aborted.signal }).then((res) => res.body!.getReader().read());
      if (path === "/") await answered;
      else await expect.poll(() => received).toBe(page + 1);
      aborted.abort();
      await answered.catch(() => {});
      await expect.poll(() => opened).toBe(page + 1);
    }
    await expect.poll(() => listeners.size).toBe(0);
    expect(time.pending()).toBe(0);
  });
});

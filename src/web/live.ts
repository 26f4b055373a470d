import type { ServerResponse } from "node:http";
import type { Timer, TimerHandle } from "../app/ports.js";

/*
 * Server-sent events for open pages. The core publishes the id of each release a commit
 * changed; each open page's stream collects them for a moment (a vote storm becomes one
 * refresh, not hundreds), asks `visible` which of them its viewer may see, and sends one
 * `change` event. The page then fetches itself again.
 */

export interface LiveStreamOptions {
  res: ServerResponse;
  timer: Timer;
  /** Subscribes to committed changes; returns the unsubscribe. */
  subscribe: (listener: (releaseId: string) => void) => () => void;
  /** Which of these releases this page shows to this viewer. */
  visible: (ids: string[]) => Promise<string[]>;
  onError: (err: unknown) => void;
  /** How long changes are collected before one event goes out. */
  gatherMs?: number;
  /** When the viewer's sign-in ends: the stream ends then (none: it lasts while the page is open). */
  endsInMs?: number | undefined;
}

/** A comment line this often keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 25_000;

export function openLiveStream(opts: LiveStreamOptions): void {
  const { res, timer } = opts;
  // The browser may have left while the route checked the viewer and the release: its "close"
  // has been and gone, so a listener and timer opened now would stay for the life of the process.
  if (res.destroyed) return;
  const gatherMs = opts.gatherMs ?? 250;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    // Nginx and similar proxies would otherwise buffer the stream.
    "x-accel-buffering": "no",
  });
  // Tells EventSource how long to wait before reconnecting, and opens the stream at once.
  res.write("retry: 3000\n\n");
  let pending = new Set<string>();
  let flush: TimerHandle | null = null;
  let closed = false;

  const send = async () => {
    flush = null;
    const ids = [...pending];
    pending = new Set();
    try {
      const shown = await opts.visible(ids);
      if (!closed && shown.length) res.write(`event: change\ndata: ${JSON.stringify(shown)}\n\n`);
    } catch (err) {
      opts.onError(err);
    }
  };
  const unsubscribe = opts.subscribe((id) => {
    pending.add(id);
    flush ??= timer.after(gatherMs, () => void send());
  });
  const keepAlive = timer.every(KEEP_ALIVE_MS, () => res.write(": keep-alive\n\n"));
  const stop = () => {
    closed = true;
    unsubscribe();
    keepAlive.cancel();
    flush?.cancel();
    expiry?.cancel();
  };
  const expiry = opts.endsInMs === undefined ? null : timer.after(opts.endsInMs, () => {
    stop();
    res.end();
  });
  res.on("close", stop);
}

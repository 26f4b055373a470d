import type { SocketModeReceiver } from "@slack/bolt";

/** Whether gonogo's Socket Mode connection is up now, and who to tell when that changes. */
export interface SocketState {
  connected: () => boolean;
  onConnectionChange: (listener: (connected: boolean) => void) => void;
}

/**
 * Follows the Socket Mode client's own socket, from before `app.start()`. Bolt's
 * SocketModeClient (@slack/socket-mode 3) says `connected` on each `hello`, also after a
 * reconnect; a dropped socket (Slack recycling its socket servers, a network blip) it says
 * as `close`, then `disconnected` (gonogo turns its own reconnecting off and reconnects it:
 * index.ts). Both are followed, so either alone would do.
 */
export function followSocket(receiver: SocketModeReceiver): SocketState {
  let up = false;
  const listeners: Array<(connected: boolean) => void> = [];
  const set = (connected: boolean) => {
    if (connected === up) return;
    up = connected;
    for (const listener of listeners) listener(connected);
  };
  receiver.client.on("connected", () => set(true));
  for (const down of ["close", "disconnected"]) receiver.client.on(down, () => set(false));
  return {
    connected: () => up,
    onConnectionChange: (listener) => void listeners.push(listener),
  };
}

import { Events, Status, type Client } from "discord.js";

/** Whether gonogo's gateway session is up now, and who to tell when that changes. */
export interface GatewayState {
  connected: () => boolean;
  onConnectionChange: (listener: (connected: boolean) => void) => void;
}

/**
 * Follows the gateway session through its shards' own states. `client.isReady()` says only
 * that the client became ready once (discord.js 14 never sets it back when a shard drops), so
 * a drop is read from the shards: each goes back to Connecting on a drop discord.js recovers
 * from (`shardReconnecting`), to Disconnected on one it does not (`shardDisconnect`), and to
 * Ready again once it resumed (`shardResume`) or identified anew (`shardReady`).
 */
export function followGateway(client: Client): GatewayState {
  const connected = () => client.isReady() && client.ws.shards.every((shard) => shard.status === Status.Ready);
  let up = connected();
  const listeners: Array<(connected: boolean) => void> = [];
  const check = () => {
    const now = connected();
    if (now === up) return;
    up = now;
    for (const listener of listeners) listener(now);
  };
  for (const event of [Events.ShardReconnecting, Events.ShardDisconnect, Events.ShardResume, Events.ShardReady] as const) client.on(event, check);
  return {
    connected,
    onConnectionChange: (listener) => void listeners.push(listener),
  };
}

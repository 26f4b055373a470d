// The Discord floor for the storm benchmark: a bare discord.js client in its own process
// whose only listener defers button presses. Plain JS, so nothing but discord.js runs.
import process from "node:process";
import { Client, Events, GatewayIntentBits } from "discord.js";

const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: process.env.DISCORD_API_URL } });
client.on(Events.Error, () => undefined);
client.on(Events.InteractionCreate, (i) => {
  if (i.isButton()) void i.deferUpdate().catch(() => undefined);
});
client.once(Events.ClientReady, () => process.stdout.write("ready\n"));
process.once("SIGTERM", () => void client.destroy().finally(() => process.exit(0)));
await client.login(process.env.DISCORD_TOKEN);

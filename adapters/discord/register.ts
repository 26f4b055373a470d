import { REST } from "discord.js";
import { loadConfig } from "../../src/config.js";
import { inviteUrl } from "./invite.js";
import { registerCommands, restApiBase } from "./register-commands.js";
import { scrubText } from "./scrub.js";

/**
 * `npm run discord:register`: registers /release without starting the bot (start-up does
 * the same). Per guild with DISCORD_GUILD_ID (instant), globally otherwise.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.discord) {
    console.error("Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (see the Discord section of README.md).");
    process.exitCode = 1;
    return;
  }
  const { token, applicationId, guildId, apiUrl } = config.discord;
  const api = restApiBase(apiUrl);
  const rest = new REST(api ? { api } : {}).setToken(token);
  try {
    const { scope, count } = await registerCommands(rest, applicationId, guildId);
    console.log(`Registered ${count} command (/release) for ${scope}.`);
    console.log(`Invite the bot with exactly the permissions it needs:\n  ${inviteUrl(applicationId)}`);
  } catch (err) {
    console.error(`Registering /release failed: ${scrubText(err instanceof Error ? err.message : String(err), [token])}`);
    process.exitCode = 1;
  }
}

await main();

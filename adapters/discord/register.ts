import { REST } from "discord.js";
import { runCli } from "../../src/cli.js";
import { loadConfig } from "../../src/config.js";
import { inviteUrl } from "./invite.js";
import { registerCommands, restApiBase } from "./register-commands.js";
import { scrubText } from "./scrub.js";

/**
 * `npm run discord:register`: registers /release without starting the bot (start-up does
 * the same). Per guild with DISCORD_GUILD_ID (instant), globally otherwise.
 */
await runCli(
  {
    script: "discord:register",
    description: `Registers the /release command with Discord without starting the bot (start-up does the same).
Reads DISCORD_TOKEN, DISCORD_APPLICATION_ID and DISCORD_GUILD_ID (in that server only, at once; else
globally), from the environment or .env.`,
  },
  async () => {
    const config = loadConfig();
    if (!config.discord) throw new Error("Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (see the Discord section of README.md).");
    const { token, applicationId, guildId, apiUrl } = config.discord;
    const api = restApiBase(apiUrl);
    const rest = new REST(api ? { api } : {}).setToken(token);
    try {
      const { scope, count } = await registerCommands(rest, applicationId, guildId);
      process.stdout.write(`Registered ${count} command (/release) for ${scope}.\n`);
      process.stdout.write(`Invite the bot with exactly the permissions it needs:\n  ${inviteUrl(applicationId)}\n`);
    } catch (err) {
      throw new Error(`Registering /release failed: ${scrubText(err instanceof Error ? err.message : String(err), [token])}`, { cause: err });
    }
  },
);

import { Routes, type REST } from "discord.js";
import { releaseCommands } from "./commands.js";

/**
 * Bulk-overwrites the application's commands: per guild when a guild id is given (they
 * appear at once), globally otherwise. Overwriting is idempotent, so every start does it.
 */
export async function registerCommands(rest: REST, applicationId: string, guildId: string | undefined, signal?: AbortSignal): Promise<{ scope: string; count: number }> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const result = (await rest.put(route, { body: releaseCommands(), ...(signal ? { signal } : {}) })) as unknown[];
  return { scope: guildId ? `guild ${guildId}` : "global", count: result.length };
}

/** discord.js wants the REST base without the version (`…/api`); accept either. */
export function restApiBase(apiUrl: string | undefined): string | undefined {
  return apiUrl?.replace(/\/+$/, "").replace(/\/v\d+$/, "");
}

/** Where Discord POSTs interactions once this URL is the application's Interactions Endpoint URL. Kept apart so the program can name it without loading discord.js. */
export const INTERACTIONS_PATH = "/discord/interactions";

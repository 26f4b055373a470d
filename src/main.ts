import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { dirname, join } from "node:path";
import { openDatabase } from "../db/client.js";
import { createSqliteStore } from "../db/store.js";
import { startDiscord } from "../adapters/discord/index.js";
import { startSlack } from "../adapters/slack/index.js";
import { createTerminalAdapter } from "../adapters/terminal/index.js";
import { createBot } from "./app/bot.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createHttpServer } from "./http/server.js";
import { createLogger } from "./log.js";

/** Values that must never reach a log line, whatever library error carries them. */
function secretsOf(config: Config): string[] {
  return [config.slack?.botToken, config.slack?.signingSecret, config.slack?.appToken, config.discord?.token, config.webhookSecret].filter((s): s is string => Boolean(s));
}

async function main(): Promise<void> {
  // A .env file next to the program is read if present; real environment variables win.
  if (existsSync(".env")) process.loadEnvFile(".env");
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel, secretsOf(config));
  const db = openDatabase(config.databasePath);
  const store = createSqliteStore(db);
  const bot = createBot({ store, config, log });

  const useTerminal = config.terminal === "on" || (config.terminal === "auto" && !config.slack && !config.discord);
  const stops: Array<() => Promise<void>> = [];

  // One HTTP server on PORT for health (and Slack's HTTP mode). A terminal-only run does
  // not need it unless PORT is set explicitly, so two terminals can run side by side.
  const wantHttp = !useTerminal || config.slack !== undefined || config.discord !== undefined || process.env.PORT !== undefined;
  const http = createHttpServer((err) => log.error({ err: String(err) }, "HTTP handler failed"));
  let ready = false;
  http.route("GET", "/healthz", (_req, res) => {
    res.writeHead(ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ ok: ready }));
  });
  if (wantHttp) {
    const port = await http.listen(config.port, config.host);
    log.info({ port }, "HTTP server listening");
    stops.push(() => http.close());
  }

  if (config.slack) {
    const slack = await startSlack({ bot, config: config.slack, http, log });
    stops.push(() => slack.stop());
  }
  if (config.discord) {
    const discord = await startDiscord({ bot, config: config.discord, log });
    stops.push(() => discord.stop());
  }

  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    ready = false;
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => log.error({ err: String(err) }, "stopping failed"));
    await bot.stop();
    db.close();
    process.exit(code);
  };
  process.on("SIGTERM", () => void shutdown(0));
  process.on("SIGINT", () => void shutdown(0));

  await bot.start();
  ready = true;
  log.info({ database: config.databasePath, terminal: useTerminal, slack: Boolean(config.slack), discord: Boolean(config.discord) }, "gonogo started");

  if (useTerminal) {
    const terminal = createTerminalAdapter({ bot, input: process.stdin, output: process.stdout, colour: Boolean(process.stdout.isTTY), user: config.terminalUser ?? safeUserName(), fileDir: join(dirname(config.databasePath), "exports") });
    bot.attachSurface(terminal.surface);
    await terminal.run();
    await shutdown(0);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`gonogo failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

/** The OS user name if it is usable as a chat name, else "me". */
function safeUserName(): string {
  const name = userInfo().username.replace(/[^A-Za-z0-9._-]/g, "");
  return name.slice(0, 32) || "me";
}

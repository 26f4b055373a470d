import { existsSync } from "node:fs";
import { ConfigError, isSet, loadConfig, type Config } from "./config.js";
import { startGonogo } from "./program.js";
import { describeStartupError } from "./startup-error.js";

/** `npm start`: read the configuration once, start everything, stop cleanly on SIGTERM/SIGINT or end of terminal input. */
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
  // Listen for SIGTERM/SIGINT before starting, so a stop asked for during start-up is
  // honoured (after start finishes) instead of killing the process mid-write.
  let stopAsked = false;
  let shutdown = () => void (stopAsked = true);
  process.on("SIGTERM", () => shutdown());
  process.on("SIGINT", () => shutdown());
  const gonogo = await startGonogo(config, {
    stdin: process.stdin,
    stdout: process.stdout,
    writeLog: (line) => process.stderr.write(line),
    // A blank `PORT=` (as in .env.example) is unset, like every other variable.
    portExplicit: isSet(process.env.PORT),
    logLevelExplicit: isSet(process.env.LOG_LEVEL),
  }).catch((err: unknown) => {
    process.stderr.write(`${describeStartupError(err, config)}\n`);
    process.exit(1);
  });
  // Defence in depth: a library's stray promise must not take every chat platform down.
  process.on("unhandledRejection", (err) => gonogo.log.error({ err: err instanceof Error ? err.message : String(err) }, "unhandled rejection"));
  shutdown = () => void gonogo.stop().then(() => process.exit(0));
  if (stopAsked) shutdown();
  await gonogo.terminalDone;
  await gonogo.stop();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`gonogo failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

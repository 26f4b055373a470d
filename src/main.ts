import { existsSync } from "node:fs";
import { failureLine, helpText, parseCliArgs, type CliSpec } from "./cli.js";
import { ConfigError, isSet, loadConfig, type Config } from "./config.js";
import { startGonogo } from "./program.js";
import { describeStartupError } from "./startup-error.js";

const START: CliSpec<Record<string, never>> = {
  script: "start",
  description: [
    "Runs gonogo: the release go/no-go bot for Slack, Discord and this terminal.",
    "It takes no arguments: everything is set by environment variables (or a .env file here);",
    "README.md, Configuration, lists them, and .env.example is a start. With none set it runs in",
    "this terminal on ./data/gonogo.db. Other commands: npm run db:copy, db:backup, audit:verify,",
    "discord:register (each with --help).",
  ].join("\n"),
};

/** `npm start`: read the configuration once, start everything, stop cleanly on SIGTERM/SIGINT or end of terminal input. */
async function main(): Promise<void> {
  // Asked for help (or given arguments it does not take): answer, and start nothing, create no database.
  try {
    if (parseCliArgs(START, process.argv.slice(2)) === "help") {
      process.stdout.write(helpText(START));
      process.exit(0);
    }
  } catch (err) {
    process.stderr.write(`${failureLine(START, err)}\n`);
    process.exit(2);
  }
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

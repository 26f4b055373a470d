import Database from "better-sqlite3";
import { existsSync, statSync } from "node:fs";
import { runCli } from "../src/cli.js";
import { verifyChain } from "./audit-chain.js";

/** `npm run audit:verify`: checks the audit trail's hash chain in DATABASE_PATH. Exit 1 when broken. */
await runCli(
  {
    script: "audit:verify",
    description: `Walks the audit trail's hash chain and names the first broken link; exits 1 when it is broken.
Reads DATABASE_PATH (default ./data/gonogo.db; .env is read too). Safe while gonogo runs.`,
  },
  () => {
    const path = process.env.DATABASE_PATH || "./data/gonogo.db";
    if (!existsSync(path) || !statSync(path).isFile()) throw new Error(`No database file at ${path}. Set DATABASE_PATH to the file gonogo uses.`);
    const db = new Database(path, { readonly: true, timeout: 5000, fileMustExist: true });
    try {
      const report = verifyChain(db);
      if (report.ok) {
        process.stdout.write(`Audit trail intact: ${report.count} events, every link verified.\n`);
        return 0;
      }
      process.stdout.write(`Audit trail BROKEN at event ${report.brokenAt}: ${report.problem}. ${report.count - 1} events before it verified.\n`);
      return 1;
    } finally {
      db.close();
    }
  },
);

import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { verifyChain } from "./audit-chain.js";

/** `npm run audit:verify`: checks the audit trail's hash chain in DATABASE_PATH. Exit 1 when broken. */
const path = process.env.DATABASE_PATH ?? "./data/gonogo.db";
if (!existsSync(path)) {
  process.stderr.write(`No database at ${path}. Set DATABASE_PATH to the file gonogo uses.\n`);
  process.exit(2);
}
const db = new Database(path, { readonly: true, timeout: 5000 });
const report = verifyChain(db);
db.close();
if (report.ok) {
  process.stdout.write(`Audit trail intact: ${report.count} events, every link verified.\n`);
} else {
  process.stdout.write(`Audit trail BROKEN at event ${report.brokenAt}: ${report.problem}. ${report.count - 1} events before it verified.\n`);
  process.exit(1);
}

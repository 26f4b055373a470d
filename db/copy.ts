import { runCli, UsageError } from "../src/cli.js";
import { countOf } from "../src/domain/plural.js";
import { copySqliteToPostgres } from "./copy-to-postgres.js";

/** `npm run db:copy -- --from <sqlite file> --to <postgres url>`: moves an installation from SQLite to PostgreSQL. */
await runCli(
  {
    script: "db:copy",
    description: `Copies every table of a gonogo SQLite database into an empty PostgreSQL database, in one
transaction, and verifies the audit trail's hash chain there before committing. Refuses a target
that holds any row. Stop gonogo first, then start it with DATABASE_URL set to the target.`,
    options: {
      from: { type: "string", valueName: "sqlite file", description: "the SQLite file gonogo used (its DATABASE_PATH)" },
      to: { type: "string", valueName: "postgres url", description: "the new database, postgres://user:password@host:5432/name" },
    },
  },
  async ({ values: { from, to } }) => {
    if (!from) throw new UsageError("Missing --from <sqlite file>");
    if (!to) throw new UsageError("Missing --to <postgres url>");
    if (!/^postgres(ql)?:\/\//.test(to)) throw new UsageError("--to must be a postgres:// or postgresql:// URL");
    const report = await copySqliteToPostgres(from, to);
    const counts = Object.entries(report.rows)
      .map(([table, n]) => `${n} ${table}`)
      .join(", ");
    process.stdout.write(`Copied ${from} to ${report.where}: ${counts}.\nAudit trail verified in PostgreSQL: ${countOf(report.auditEvents, "event")}, every link intact.\n`);
  },
);

// `.ci/run`'s PostgreSQL helper: `create` makes a fresh database for one run and prints its URL
// (or prints nothing and exits 3 when no server answers); `drop <url>` drops it and whatever
// per-test databases the run left beside it (`<name>_*`, see test/helpers/postgres.ts).
// Plain JavaScript: it runs with `node` straight after `npm ci`, before anything is built.
import { randomBytes } from "node:crypto";
import process from "node:process";
import pg from "pg";

const server = process.env.CI_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const [command, target] = process.argv.slice(2);

const admin = new pg.Client({ connectionString: server, connectionTimeoutMillis: 3000 });
try {
  await admin.connect();
} catch {
  process.exit(3);
}
try {
  if (command === "create") {
    const name = `gonogo_ci_${randomBytes(4).toString("hex")}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    process.stdout.write(`${url.toString()}\n`);
  } else if (command === "drop" && target) {
    const name = new URL(target).pathname.slice(1);
    if (!/^gonogo_ci_[0-9a-f]{8}$/.test(name)) throw new Error(`refusing to drop ${name}: not a database this script made`);
    const { rows } = await admin.query("SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $2)", [name, `${name}_`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } else {
    throw new Error("usage: node scripts/ci-postgres.mjs create | drop <url>");
  }
} catch (err) {
  process.stderr.write(`ci-postgres: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await admin.end();
}

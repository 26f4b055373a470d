import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPostgres } from "../../db/postgres/client.js";

/**
 * The PostgreSQL server the PostgreSQL suites use (`.ci/run` creates a database and sets
 * it). Unset: those suites skip, each with one line saying so. Set but unreachable: they fail.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

export const SKIP_WITHOUT_POSTGRES = "(skipped: TEST_DATABASE_URL is unset; set it to postgres://postgres@127.0.0.1:5432/<db> to run against PostgreSQL)";

export interface TestDatabases {
  /** A new, empty database, or one with the migrations applied (a copy of a migrated template: fast). */
  fresh(options?: { migrated?: boolean }): Promise<string>;
  /** Drops one database made here (its connections must be closed first). */
  drop(url: string): Promise<void>;
  /** Drops every database made here and not yet dropped. */
  dropAll(): Promise<void>;
}

/**
 * Makes databases beside TEST_DATABASE_URL's, one per test, so no test sees another's rows
 * (gonogo's tables live in `public`, so a schema per test would not separate them). Names
 * start with that database's name (`.ci/run` drops `<its name>_*` after the run, whatever
 * a crashed test left) and carry a random id, so test files running at once never collide.
 */
export function createTestDatabases(baseUrl: string): TestDatabases {
  const base = decodeURIComponent(new URL(baseUrl).pathname.slice(1)) || "postgres";
  const run = `${base.slice(0, 40)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Pool({ connectionString: baseUrl, max: 1 });
  admin.on("error", () => {});
  const made: string[] = [];
  let template: Promise<string> | undefined;
  let n = 0;

  const urlOf = (name: string) => {
    const u = new URL(baseUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const create = async (name: string, from?: string) => {
    await admin.query(`CREATE DATABASE "${name}"${from ? ` TEMPLATE "${from}"` : ""}`);
    made.push(name);
    return name;
  };
  const dropNamed = async (name: string) => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    made.splice(made.indexOf(name), 1);
  };
  const migratedTemplate = () =>
    (template ??= (async () => {
      const name = await create(`${run}_template`);
      const handle = await openPostgres(urlOf(name), { max: 1 });
      await handle.close();
      return name;
    })());

  return {
    async fresh(options = {}) {
      const name = `${run}_${++n}`;
      return urlOf(await create(name, options.migrated === false ? undefined : await migratedTemplate()));
    },
    drop: (url) => dropNamed(new URL(url).pathname.slice(1)),
    async dropAll() {
      for (const name of [...made].reverse()) await dropNamed(name);
      await admin.end();
    },
  };
}

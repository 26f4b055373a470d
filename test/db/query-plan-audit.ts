import Database from "better-sqlite3";
import pg from "pg";

/*
 * The query-plan audit: records the SQL the stores run, asks the database how it would run
 * each distinct statement, and names every full scan of a table that grows with use. A scan
 * of such a table is cheap in a test and costs every user once the table holds a year of
 * rows (2026-12-06: one unindexed read of the outbox per notice made votes 7x slower).
 */

/**
 * Tables that stay small whatever the use: a scan of them is fine. Every other table grows with
 * use (releases, votes, the audit trail, jobs, the outbox, …), and a new table is audited until
 * it is named here with why.
 */
export const BOUNDED_TABLES: Record<string, string> = {
  policies: "one row per channel",
  role_bindings: "one row per person and role",
  identity_links: "one row per linked account",
  link_codes: "one pending code per account, deleted when used or expired",
  deploy_locks: "one row per locked service and environment",
  deploy_queue: "the GO releases waiting for their turn, removed as they ship",
  audit_chain_head: "one row",
  shared_rows_version: "one row",
  sqlite_master: "the schema",
  __drizzle_migrations: "one row per migration",
};

/** A statement allowed to read a growing table whole, by nature, and why. */
export interface AllowedScan {
  /** Matches the statement's SQL. */
  statement: RegExp;
  table: string;
  why: string;
}

/**
 * Statements that must read everything they scan. Add one only with the reason it cannot be
 * served by an index; anything a user waits on per vote, press or notice does not belong here.
 */
export const ALLOWED_SCANS: AllowedScan[] = [
  {
    statement: /^SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1$/,
    table: "audit_events",
    why: "the chain's tip: SQLite reads the one last row from the rowid's end (its plan says SCAN all the same); once per open and after a rollback",
  },
  {
    statement: /^select .* from "releases" order by "releases"\."seq" desc limit \?$/,
    table: "releases",
    why: "the newest `limit` releases (list, web calendar, start-up): SQLite walks the rowid from the end and stops at the limit (PostgreSQL's plan shows it bounded)",
  },
  {
    statement: /^delete from "?event_claims"? where ("event_claims"\.)?"?at"? < (\?|\$1)$/i,
    table: "event_claims",
    why: "the hourly prune: claims are kept a day, so it reads about a day's rows; an index on `at` would cost every Slack or Discord event one more B-tree write (work-schema.ts)",
  },
  {
    statement: /^UPDATE card_leases SET holder = NULL, lease_until = 0 WHERE holder = (\?|\$1)$/,
    table: "card_leases",
    why: "an instance giving up its card leases as it stops: once per process; an index on `holder` would be written at every card edit",
  },
  {
    statement: /^UPDATE card_leases SET holder = \S+, lease_until = \S+ WHERE .* IN \( ?SELECT .* FROM card_leases WHERE version > rendered AND \(holder IS NULL OR lease_until <= \S+\)/,
    table: "card_leases",
    why:
      "the cluster's card sweep (every second) looks for out-of-date cards nobody holds. An index serving it needs `version > rendered` in its predicate, " +
      "which would make every vote's `version = version + 1` on the release's card rows a non-HOT update writing every card_leases index; " +
      "the table holds a row per posted card, and is bounded by pruning the cards of closed releases instead",
  },
  {
    statement: /^SELECT \* FROM notice_outbox ORDER BY id$/,
    table: "notice_outbox",
    why: "the whole outbox, by nature: the Store port's listing for tests and tooling; nothing running calls it",
  },
];

export interface RecordedStatement {
  sql: string;
  /** The values of its first run, so the plan is asked for with real parameters. */
  params: unknown[];
}

export interface ScanFinding {
  sql: string;
  table: string;
  plan: string;
}

/** Statements worth a plan: reads and writes, not BEGIN, SET, LISTEN, pragmas or DDL. */
const PLANNED = /^\s*(WITH|SELECT|INSERT|UPDATE|DELETE|REPLACE)\b/i;
const normalise = (sql: string) => sql.replace(/\s+/g, " ").trim();

/**
 * Records every distinct statement run on any better-sqlite3 connection, with its first values,
 * until `stop()`; and every statement prepared meanwhile that never ran (most of the store's are
 * prepared once, when it is made), so a statement the scenario misses is audited too, with nulls
 * for its parameters.
 */
export function recordSqlite(): { statements(): RecordedStatement[]; stop(): void } {
  const probe = new Database(":memory:");
  const proto = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  const ran = new Map<string, RecordedStatement>();
  const prepared = new Set<string>();
  const patched: Array<[Record<string, (...args: unknown[]) => unknown>, string, (...args: unknown[]) => unknown]> = [];
  const patch = (target: Record<string, (...args: unknown[]) => unknown>, method: string, wrap: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown) => {
    const original = target[method]!;
    patched.push([target, method, original]);
    target[method] = wrap(original);
  };
  for (const method of ["run", "get", "all", "iterate"]) {
    patch(proto, method, (original) =>
      function (this: { source: string }, ...args: unknown[]) {
        const sql = normalise(this.source);
        if (PLANNED.test(sql) && !ran.has(sql)) ran.set(sql, { sql, params: args });
        return original.apply(this, args);
      },
    );
  }
  patch(Database.prototype as unknown as Record<string, (...args: unknown[]) => unknown>, "prepare", (original) =>
    function (this: unknown, ...args: unknown[]) {
      if (typeof args[0] === "string" && PLANNED.test(args[0])) prepared.add(normalise(args[0]));
      return original.apply(this, args);
    },
  );
  return {
    statements: () => [...ran.values(), ...[...prepared].filter((sql) => !ran.has(sql)).map((sql) => ({ sql, params: nullParameters(sql) }))],
    stop() {
      for (const [target, method, original] of patched.reverse()) target[method] = original;
    },
  };
}

/** Nulls for a statement's parameters, as better-sqlite3 takes them: one per `?`, and an object for the named ones. */
function nullParameters(sql: string): unknown[] {
  const unquoted = sql.replace(/'(?:[^']|'')*'/g, "''");
  const positional = (unquoted.match(/\?/g) ?? []).map(() => null);
  const named = [...unquoted.matchAll(/[@:$]([A-Za-z_]\w*)/g)].map((m) => [m[1]!, null]);
  return named.length ? [...positional, Object.fromEntries(named)] : positional;
}

/** Records every distinct statement sent through any pg client (the pools' too). */
export function recordPostgres(): { statements: Map<string, RecordedStatement>; stop(): void } {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const statements = new Map<string, RecordedStatement>();
  proto.query = function (this: unknown, ...args: unknown[]) {
    const [first, second] = args;
    const config = (typeof first === "string" ? { text: first } : first) as { text?: unknown; values?: unknown } | null;
    const values = Array.isArray(config?.values) ? config.values : Array.isArray(second) ? second : [];
    if (typeof config?.text === "string") {
      // A batch of statements with their values written in (one round trip) is planned statement by statement, once per shape.
      const parts = values.length ? [config.text] : splitStatements(config.text);
      for (const part of parts) {
        const sql = normalise(part);
        const key = values.length ? sql : shapeOf(sql);
        if (PLANNED.test(sql) && !statements.has(key)) statements.set(key, { sql, params: values });
      }
    }
    return original.apply(this, args);
  };
  return {
    statements,
    stop() {
      proto.query = original;
    },
  };
}

/** The statements of a batch, split at semicolons outside quotes. */
function splitStatements(batch: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (const ch of batch) {
    if (ch === "'") quoted = !quoted;
    if (ch === ";" && !quoted) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  return [...parts, current].filter((p) => p.trim());
}

/** A statement with its written-in values blanked: the same statement whatever the values. */
const shapeOf = (sql: string) => sql.replace(/'(?:[^']|'')*'/g, "''").replace(/\b\d+\b/g, "0");

const scanIsAllowed = (sql: string, table: string) => table in BOUNDED_TABLES || ALLOWED_SCANS.some((a) => a.table === table && a.statement.test(sql));

/**
 * SQLite's plan for each statement: `SCAN <table>` (with or without `USING … INDEX`) reads the
 * whole table or index; `SEARCH` reads the rows a key picks.
 */
export function sqliteScans(sqlite: Database.Database, statements: Iterable<RecordedStatement>): ScanFinding[] {
  const findings: ScanFinding[] = [];
  for (const { sql, params } of statements) {
    const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
    const text = plan.map((p) => p.detail).join("\n");
    for (const { detail } of plan) {
      const table = /^SCAN ([A-Za-z_]\w*)\b/.exec(detail)?.[1];
      if (table && !/^(CONSTANT|json_each|json_tree)$/.test(table) && !scanIsAllowed(sql, table)) findings.push({ sql, table, plan: text });
    }
  }
  return dedupe(findings);
}

interface PgPlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Cond"?: string;
  Filter?: string;
  Plans?: PgPlanNode[];
}

/**
 * PostgreSQL's plan for each statement, with sequential scans off (a tiny table is read whole
 * whatever its indexes): a `Seq Scan` of a table means no index serves the statement, and an
 * index scan with no index condition reads the whole index, unless a LIMIT stops it at once.
 */
export async function postgresScans(client: pg.Client, statements: Iterable<RecordedStatement>): Promise<ScanFinding[]> {
  await client.query("SET enable_seqscan = off");
  await client.query("SET jit = off");
  const findings: ScanFinding[] = [];
  for (const { sql, params } of statements) {
    const explain = async <R extends pg.QueryResultRow>(how: string) => {
      try {
        const result = await client.query<R>(`${how} ${sql}`, params);
        if (!result.rows?.length) throw new Error("no plan");
        return result.rows;
      } catch (err) {
        throw new Error(`${how} failed (${String(err)}) for: ${sql}`, { cause: err });
      }
    };
    const root = (await explain<{ "QUERY PLAN": Array<{ Plan: PgPlanNode }> }>("EXPLAIN (FORMAT JSON)"))[0]!["QUERY PLAN"][0]!.Plan;
    const text = (await explain<{ "QUERY PLAN": string }>("EXPLAIN")).map((r) => r["QUERY PLAN"]).join("\n");
    const walk = (node: PgPlanNode, underLimit: boolean) => {
      const table = node["Relation Name"];
      const wholeIndex = /Index (Only )?Scan/.test(node["Node Type"]) && !node["Index Cond"] && !(underLimit && !node.Filter);
      if (table && (node["Node Type"] === "Seq Scan" || wholeIndex) && !scanIsAllowed(sql, table)) findings.push({ sql, table, plan: text });
      for (const child of node.Plans ?? []) walk(child, underLimit || node["Node Type"] === "Limit");
    };
    walk(root, false);
  }
  return dedupe(findings);
}

function dedupe(findings: ScanFinding[]): ScanFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => !seen.has(`${f.table}\n${f.sql}`) && seen.add(`${f.table}\n${f.sql}`));
}

/** The failure message: each statement, the table it reads whole, its plan, and what to do. */
export function describeScans(dialect: string, findings: ScanFinding[]): string {
  if (!findings.length) return "";
  const each = findings.map((f) => `• reads every row of ${f.table}:\n    ${f.sql}\n  plan:\n    ${f.plan.replace(/\n/g, "\n    ")}`).join("\n");
  return (
    `${findings.length} statement(s) on ${dialect} read a table that grows with use whole:\n${each}\n` +
    "Add an index that serves the statement (drizzle schema + `npm run db:generate`, both dialects), or rewrite it so an existing one does; " +
    "if it must read everything by nature (an export, the audit check), add it to ALLOWED_SCANS in test/db/query-plan-audit.ts with why."
  );
}

import type Database from "better-sqlite3";

/** Row counts of every table gonogo owns, to prove "nothing was written". */
export function tableCounts(sqlite: Database.Database): Record<string, number> {
  const tables = sqlite
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name")
    .all()
    .map((t) => t.name);
  return Object.fromEntries(tables.map((t) => [t, sqlite.prepare<[], { n: number }>(`SELECT count(*) AS n FROM "${t}"`).get()!.n]));
}

/** Audit rows by type (refusals are audited on purpose: they are the one write a refused request makes). */
export function auditTypes(sqlite: Database.Database): Record<string, number> {
  const rows = sqlite.prepare<[], { type: string; n: number }>("SELECT type, count(*) AS n FROM audit_events GROUP BY type").all();
  return Object.fromEntries(rows.map((r) => [r.type, r.n]));
}

/**
 * Counts without what a refusal writes on purpose: the audit table's permission refusals,
 * and the claim of the refused event's id (so a redelivery is not answered twice).
 */
export function countsBesidesRefusals(sqlite: Database.Database): Record<string, number> {
  const counts = tableCounts(sqlite);
  delete counts.event_claims;
  const refused = auditTypes(sqlite).permission_refused ?? 0;
  return { ...counts, audit_events: (counts.audit_events ?? 0) - refused };
}

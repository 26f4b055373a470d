import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.js";
import { SQLITE_PAGE_IDS } from "../../db/sqlite-snapshot.js";
import { createSqliteStore } from "../../db/store.js";
import type { AuditEvent } from "../../src/app/store.js";

/* better-sqlite3 answers synchronously: a snapshot's long read must still let the event loop turn. */

const T = Date.UTC(2030, 0, 15, 9, 0);
const note = (i: number): AuditEvent => ({ releaseId: null, at: T + i, actor: "slack:T1:U1", platform: "slack", type: "note", data: { i } });

let dir: string;
let handle: DatabaseHandle;
afterEach(() => {
  handle?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a SQLite snapshot's walk of the hash chain", () => {
  it("turns the event loop between pages: a transaction asked for during the walk commits before the walk ends", async () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-snapshot-"));
    handle = openDatabase(join(dir, "gonogo.db"));
    const store = createSqliteStore(handle);
    const rows = 3 * SQLITE_PAGE_IDS;
    await store.transaction(async (tx) => {
      for (let i = 0; i < rows; i++) await tx.appendAudit(note(i));
    });
    let walked = false;
    const walking = store.readSnapshot((snapshot) => snapshot.verifyAudit()).then((report) => {
      walked = true;
      return report;
    });
    await store.transaction((tx) => tx.appendAudit(note(rows)));
    expect(walked).toBe(false);
    // The walk is of the moment it began: the row committed meanwhile is not in it.
    expect(await walking).toMatchObject({ ok: true, count: rows });
  });
});

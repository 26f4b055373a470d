import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.js";

let handle: DatabaseHandle | undefined;
let dir: string | undefined;

afterEach(() => {
  handle?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  handle = dir = undefined;
});

const MB = 2 ** 20;

/**
 * The WAL is checkpointed by SQLite itself as writes go (every 4,000 pages): a busy
 * channel that never pauses must not grow the WAL file without bound, and nothing waits
 * for a quiet moment that a steady load never has.
 */
/** A fresh database file with a table to fill, and the statement that adds a row of it. */
function fillerDatabase() {
  dir = mkdtempSync(join(tmpdir(), "gonogo-wal-"));
  const path = join(dir, "gonogo.db");
  handle = openDatabase(path);
  const { sqlite } = handle;
  sqlite.exec("CREATE TABLE filler (b BLOB)");
  return { path, sqlite, insert: sqlite.prepare("INSERT INTO filler (b) VALUES (?)") };
}

describe("the WAL file", () => {
  it("stays small while writes never pause, and keeps every row", () => {
    const { path, sqlite, insert } = fillerDatabase();
    let largest = 0;
    // 40 MB written back to back, one commit per 256 KB, with no gap for a timer to find.
    for (let i = 0; i < 160; i++) {
      insert.run(Buffer.alloc(MB / 4, i));
      largest = Math.max(largest, statSync(`${path}-wal`).size);
    }
    // 4,000 pages of 4 KB, plus the commit that crosses them.
    expect(largest).toBeLessThan(17 * MB);
    expect((sqlite.prepare("SELECT count(*) AS n FROM filler").get() as { n: number }).n).toBe(160);
  });

  it("lets a steady stream of small commits run 4,000 pages before one of them stops to checkpoint", () => {
    const { path, insert } = fillerDatabase();
    // About 3,000 pages in commits the size of a vote's: a checkpoint would have reset the WAL
    // (it is reused from its start, so its file stops growing at the size it had then).
    for (let i = 0; i < 1500; i++) insert.run(Buffer.alloc(6000, i % 256));
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(11 * MB);
  });

  it("is folded into the database when the program closes it", () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-wal-"));
    const path = join(dir, "gonogo.db");
    handle = openDatabase(path);
    handle.sqlite.exec("CREATE TABLE filler (b BLOB)");
    handle.sqlite.prepare("INSERT INTO filler (b) VALUES (?)").run(Buffer.alloc(MB));
    handle.close();
    handle = undefined;
    expect(statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0);
  });
});

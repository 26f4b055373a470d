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
 * The WAL is checkpointed by SQLite itself as writes go (every 1,000 pages): a busy
 * channel that never pauses must not grow the WAL file without bound, and nothing waits
 * for a quiet moment that a steady load never has.
 */
describe("the WAL file", () => {
  it("stays small while writes never pause, and keeps every row", () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-wal-"));
    const path = join(dir, "gonogo.db");
    handle = openDatabase(path);
    const { sqlite } = handle;
    sqlite.exec("CREATE TABLE filler (b BLOB)");
    const insert = sqlite.prepare("INSERT INTO filler (b) VALUES (?)");
    let largest = 0;
    // 40 MB written back to back, one commit per 256 KB, with no gap for a timer to find.
    for (let i = 0; i < 160; i++) {
      insert.run(Buffer.alloc(MB / 4, i));
      largest = Math.max(largest, statSync(`${path}-wal`).size);
    }
    expect(largest).toBeLessThan(8 * MB);
    expect((sqlite.prepare("SELECT count(*) AS n FROM filler").get() as { n: number }).n).toBe(160);
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

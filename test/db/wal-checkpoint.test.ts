import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkpointDue, WAL_CHECKPOINT_BYTES, WAL_HARD_LIMIT_BYTES, WAL_KEEP_BYTES, WAL_QUIET_MS } from "../../db/checkpointer.js";
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
 * A checkpoint copies the WAL into the database and fsyncs: milliseconds during which
 * every vote's answer would wait. It must run rarely and never on the event loop.
 */
describe("WAL checkpoints", () => {
  it("are due once 16 MB were written or after 30 s, in a lull in writing, and never for a restarted WAL", () => {
    const quiet = { msSinceWrite: 5000 };
    expect(checkpointDue({ walBytes: WAL_CHECKPOINT_BYTES + 1, msSinceCheckpoint: 1000, ...quiet })).toBe(true);
    // After a checkpoint the WAL restarts and is cut back to 4 MB: not due again a second later.
    expect(checkpointDue({ walBytes: WAL_KEEP_BYTES, msSinceCheckpoint: 1000, ...quiet })).toBe(false);
    expect(checkpointDue({ walBytes: WAL_KEEP_BYTES, msSinceCheckpoint: 29_000, ...quiet })).toBe(false);
    expect(checkpointDue({ walBytes: WAL_KEEP_BYTES, msSinceCheckpoint: 31_000, ...quiet })).toBe(true);
    expect(checkpointDue({ walBytes: 0, msSinceCheckpoint: 60_000, ...quiet })).toBe(false);
    // Votes are streaming in: wait for the storm to pass…
    expect(checkpointDue({ walBytes: WAL_CHECKPOINT_BYTES + 1, msSinceCheckpoint: 60_000, msSinceWrite: 200 })).toBe(false);
    expect(checkpointDue({ walBytes: WAL_CHECKPOINT_BYTES + 1, msSinceCheckpoint: 60_000, msSinceWrite: WAL_QUIET_MS })).toBe(true);
    // …unless it never passes: the WAL stays bounded.
    expect(checkpointDue({ walBytes: WAL_HARD_LIMIT_BYTES + 1, msSinceCheckpoint: 1000, msSinceWrite: 0 })).toBe(true);
  });

  it("run on a worker thread after a storm of writes, and the WAL file shrinks back", async () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-wal-"));
    const path = join(dir, "gonogo.db");
    handle = openDatabase(path);
    const { sqlite } = handle;
    const onEventLoop: string[] = [];
    const pragma = sqlite.pragma.bind(sqlite);
    sqlite.pragma = (source: string, options?: object) => {
      if (source.startsWith("wal_checkpoint")) onEventLoop.push(source);
      return pragma(source, options);
    };

    sqlite.exec("CREATE TABLE filler (b BLOB)");
    const insert = sqlite.prepare("INSERT INTO filler (b) VALUES (?)");
    for (let i = 0; i < 20; i++) insert.run(Buffer.alloc(MB, i));
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(WAL_CHECKPOINT_BYTES);

    // The timer looks once a second and finds a lull; the worker checkpoints, and the next write restarts the WAL.
    await vi.waitFor(() => expect(handle!.checkpointer!.completed).toBe(1), { timeout: 6000, interval: 100 });
    insert.run(Buffer.from("a vote"));
    expect(statSync(`${path}-wal`).size).toBeLessThanOrEqual(WAL_KEEP_BYTES);
    expect(onEventLoop).toEqual([]);
    // Nothing was lost on the way.
    expect((sqlite.prepare("SELECT count(*) AS n FROM filler").get() as { n: number }).n).toBeGreaterThanOrEqual(21);
  });
});

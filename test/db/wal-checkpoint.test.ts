import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkpointDue, WAL_HARD_LIMIT_BYTES, WAL_QUIET_MS } from "../../db/checkpointer.js";
import { openDatabase, type DatabaseHandle } from "../../db/client.js";

let handle: DatabaseHandle | undefined;
let dir: string | undefined;

afterEach(() => {
  handle?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  handle = dir = undefined;
});

const MB = 2 ** 20;

/** The WAL header's checkpoint sequence number: SQLite adds one each time the WAL starts over from its start. */
function walGeneration(walPath: string): number {
  const fd = openSync(walPath, "r");
  try {
    const header = Buffer.alloc(16);
    readSync(fd, header, 0, 16, 0);
    return header.readUInt32BE(12);
  } finally {
    closeSync(fd);
  }
}

/**
 * A checkpoint copies the WAL into the database and fsyncs: milliseconds during which
 * every vote's answer would wait. It must run rarely and never on the event loop.
 */
describe("WAL checkpoints", () => {
  it("are due in a lull after writing, and never while nothing new was written", () => {
    const written = { walBytes: 20 * MB, writtenSinceCheckpoint: true };
    expect(checkpointDue({ ...written, msSinceWrite: WAL_QUIET_MS })).toBe(true);
    // Votes are streaming in: wait for the storm to pass…
    expect(checkpointDue({ ...written, msSinceWrite: 200 })).toBe(false);
    // …unless it never passes: the WAL stays bounded.
    expect(checkpointDue({ walBytes: WAL_HARD_LIMIT_BYTES + 1, writtenSinceCheckpoint: true, msSinceWrite: 0 })).toBe(true);
    // A big WAL file left by an earlier storm is not a reason: it is reused from its start.
    expect(checkpointDue({ walBytes: 20 * MB, writtenSinceCheckpoint: false, msSinceWrite: 60_000 })).toBe(false);
  });

  it("run on a worker thread after a storm of writes, and later writes reuse the WAL file", async () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-wal-"));
    const path = join(dir, "gonogo.db");
    let lulls = 0;
    handle = openDatabase(path, { onLull: () => lulls++ });
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
    const walSize = statSync(`${path}-wal`).size;
    expect(walSize).toBeGreaterThan(20 * MB);
    expect(lulls).toBe(0);
    const generation = walGeneration(`${path}-wal`);

    // The timer looks once a second and finds a lull; the worker checkpoints, and the next
    // writes start the WAL over from the file's start: it does not grow.
    await vi.waitFor(() => expect(handle!.checkpointer!.completed).toBe(1), { timeout: 6000, interval: 100 });
    // The lull's other work (the program collects garbage there) runs once with it.
    expect(lulls).toBe(1);
    // The worker also started the WAL over (a commit that fsyncs the WAL header), so the
    // next storm's first vote does not pay for it.
    expect(walGeneration(`${path}-wal`)).toBe(generation + 1);
    // That commit of its own is not a write to checkpoint: while no one writes, the timer
    // finds nothing to do (no checkpoint, no garbage collection every other second).
    await new Promise((r) => setTimeout(r, 2500));
    expect(handle.checkpointer!.completed).toBe(1);
    expect(lulls).toBe(1);
    for (let i = 0; i < 5; i++) insert.run(Buffer.alloc(MB, i));
    expect(walGeneration(`${path}-wal`)).toBe(generation + 1);
    expect(statSync(`${path}-wal`).size).toBe(walSize);
    expect(onEventLoop).toEqual([]);
    // Nothing was lost on the way.
    expect((sqlite.prepare("SELECT count(*) AS n FROM filler").get() as { n: number }).n).toBe(25);
  });
});

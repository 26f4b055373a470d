import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkpointDue, WAL_CHECKPOINT_BYTES, WAL_KEEP_BYTES } from "../../db/checkpointer.js";
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
  it("are due once 16 MB were written, or after 30 s of smaller writes, never for a restarted WAL", () => {
    expect(checkpointDue(WAL_CHECKPOINT_BYTES + 1, 1000)).toBe(true);
    // After a checkpoint the WAL restarts and is cut back to 4 MB: not due again a second later.
    expect(checkpointDue(WAL_KEEP_BYTES, 1000)).toBe(false);
    expect(checkpointDue(WAL_KEEP_BYTES, 29_000)).toBe(false);
    expect(checkpointDue(WAL_KEEP_BYTES, 31_000)).toBe(true);
    expect(checkpointDue(0, 60_000)).toBe(false);
  });

  it("run on a worker thread after a storm of writes, and the WAL file shrinks back", async () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-wal-"));
    const path = join(dir, "gonogo.db");
    handle = openDatabase(path);
    const { sqlite } = handle;
    const onEventLoop: string[] = [];
    const pragma = sqlite.pragma.bind(sqlite);
    sqlite.pragma = ((source: string, options?: object) => {
      if (source.startsWith("wal_checkpoint")) onEventLoop.push(source);
      return pragma(source, options);
    }) as typeof sqlite.pragma;

    sqlite.exec("CREATE TABLE filler (b BLOB)");
    const insert = sqlite.prepare("INSERT INTO filler (b) VALUES (?)");
    for (let i = 0; i < 20; i++) insert.run(Buffer.alloc(MB, i));
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(WAL_CHECKPOINT_BYTES);

    // The timer looks once a second; then the worker checkpoints and the next write restarts the WAL.
    const deadline = Date.now() + 5000;
    while (statSync(`${path}-wal`).size > WAL_KEEP_BYTES && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      await handle.checkpointer!.settled();
      insert.run(Buffer.from("a vote"));
    }
    expect(statSync(`${path}-wal`).size).toBeLessThanOrEqual(WAL_KEEP_BYTES);
    expect(onEventLoop).toEqual([]);
    // Nothing was lost on the way.
    expect((sqlite.prepare("SELECT count(*) AS n FROM filler").get() as { n: number }).n).toBeGreaterThanOrEqual(21);
  });
});

import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase, WAL_CHECKPOINT_BYTES, type DatabaseHandle } from "../../db/client.js";

let handle: DatabaseHandle | undefined;
let dir: string | undefined;

afterEach(() => {
  handle?.close();
  vi.useRealTimers();
  if (dir) rmSync(dir, { recursive: true, force: true });
  handle = dir = undefined;
});

/**
 * A checkpoint blocks the event loop for milliseconds (every vote waits behind it), so it
 * must run once per 16 MB written, not once per second for ever after a big WAL.
 */
describe("WAL checkpoints", () => {
  it("checkpoint once when 16 MB were written, then not again until the next 16 MB or 30 s", () => {
    vi.useFakeTimers();
    dir = mkdtempSync(join(tmpdir(), "gonogo-wal-"));
    const path = join(dir, "gonogo.db");
    handle = openDatabase(path);
    const { sqlite } = handle;
    const checkpoints: string[] = [];
    const pragma = sqlite.pragma.bind(sqlite);
    sqlite.pragma = ((source: string, options?: object) => {
      if (source.startsWith("wal_checkpoint")) checkpoints.push(source);
      return pragma(source, options);
    }) as typeof sqlite.pragma;

    sqlite.exec("CREATE TABLE filler (b BLOB)");
    const insert = sqlite.prepare("INSERT INTO filler (b) VALUES (?)");
    const mb = Buffer.alloc(2 ** 20, 7);
    for (let i = 0; i < 20; i++) insert.run(mb);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(WAL_CHECKPOINT_BYTES);

    vi.advanceTimersByTime(1000);
    expect(checkpoints).toHaveLength(1);

    // Ordinary traffic after the storm: a few small writes, ten seconds.
    for (let s = 0; s < 10; s++) {
      insert.run(Buffer.from("vote"));
      vi.advanceTimersByTime(1000);
    }
    expect(checkpoints).toHaveLength(1);
    expect(existsSync(`${path}-wal`) && statSync(`${path}-wal`).size).toBeLessThanOrEqual(WAL_CHECKPOINT_BYTES);

    vi.advanceTimersByTime(30_000);
    expect(checkpoints).toHaveLength(2);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../db/client.js";
import { createSqliteStore } from "../../db/store.js";
import { describeStoreContract } from "../contracts/store-contract.js";

/** The SQLite store on a fresh file per test, with the real migrations applied. */
describeStoreContract("SQLite", () => {
  const dir = mkdtempSync(join(tmpdir(), "gonogo-store-"));
  const path = join(dir, "gonogo.db");
  let handle = openDatabase(path);
  return Promise.resolve({
    store: createSqliteStore(handle),
    reopen() {
      handle.close();
      handle = openDatabase(path);
      return Promise.resolve(createSqliteStore(handle));
    },
    tamperAudit(id, type) {
      handle.sqlite.exec("DROP TRIGGER IF EXISTS audit_events_no_update");
      handle.sqlite.prepare("UPDATE audit_events SET type = ? WHERE id = ?").run(type, id);
      return Promise.resolve();
    },
    close() {
      handle.close();
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
});

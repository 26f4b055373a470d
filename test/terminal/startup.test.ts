import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runGonogo } from "../helpers/run-gonogo.js";

/** Starts node with its clock an hour ahead: as if gonogo had been down for that hour. */
const AN_HOUR_LATER = ["--import=data:text/javascript,const now = Date.now; Date.now = () => now() + 3_600_000;"];

const dir = mkdtempSync(join(tmpdir(), "gonogo-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the terminal at start-up", () => {
  it("shows what start-up finds: the T-0 that passed while offline is held, and the missed reminders", async () => {
    const env = { DATABASE_PATH: join(dir, "gonogo.db"), GONOGO_USER: "alice" };
    const before = await runGonogo("/release create payments 1.4.2\n/release schedule R-1 in 30m\n", env);
    expect(before.stdout).toContain("R-1 scheduled for");

    // Back an hour later, past T-0 with no votes; nothing typed yet.
    const after = await runGonogo("", env, AN_HOUR_LATER);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/T-0 \(due .*, while gonogo was not running\): HOLD. R-1 did not ship. Decision: Pending: 0 of 2 GO./);
    expect(after.stdout).toContain("gonogo was offline and missed the T-15m, T-5m reminders for R-1.");
    expect(after.stdout).toContain("R-1  payments 1.4.2 → production  [On hold]");
  }, 30_000);
});

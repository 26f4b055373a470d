import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGonogo } from "../helpers/run-gonogo.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gonogo-criteria-pipe-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readiness criteria in the terminal", () => {
  it("names criteria, shows them as a checklist with evidence on the card, and ticks them by command", async () => {
    const r = await runGonogo(
      [
        "/as admin",
        "/release criteria set tests:qa, changelog",
        "/release role grant quinn qa",
        "/as mia",
        "/release create payments 1.4.2",
        "/as bob",
        "/release vote R-1 go",
        "/as quinn",
        "/release check R-1 tests fail login broken https://ci.example/run/8",
        "/release check R-1 tests pass https://ci.example/run/9",
        "/as mia",
        "/release check R-1 changelog pass",
        "/release status R-1",
        "/release help",
      ].join("\n"),
      { DATABASE_PATH: join(dir, "g.db"), GONOGO_ADMINS: "terminal:admin", GONOGO_QUORUM: "1" },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Readiness criteria for new releases here: tests:qa, changelog.");
    expect(r.stdout).toContain("Decision: NO-GO: blocked: tests failed — login broken https://ci.example/run/8");
    expect(r.stdout).toContain("changelog on R-1 is passed ✅. Decision: GO.");
    expect(r.stdout).toMatch(/✅ tests passed by quinn, .+ — https:\/\/ci\.example\/run\/9/);
    expect(r.stdout).toContain("✅ changelog passed by mia");
    expect(r.stdout).toContain("Tick: /release check R-1 <tests|changelog> pass|fail [note]");
    expect(r.stdout).toContain("/release check <id> <criterion> pass|fail [note or link]");
  }, 30_000);
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGonogo } from "../helpers/run-gonogo.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gonogo-retro-pipe-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the retro in the terminal", () => {
  it("shows your earlier notes in the form, keeps the fields you do not retype, and lists everyone's answers by question", async () => {
    const r = await runGonogo(
      [
        "/release create payments 1.4.2",
        "/release retro R-1 show",
        "/as bob",
        "/release vote R-1 go",
        "/as carol",
        "/release vote R-1 go",
        "/as alice",
        "/release ship R-1",
        "/release shipped R-1",
        "/as bob",
        "/release retro R-1",
        "/submit went_well=quick vote action_items=@dana add canary alerts",
        "/release retro R-1",
        "/submit went_badly=late QA",
        "/as carol",
        "/release retro R-1",
        "/submit went_badly=the canary was skipped",
        "/as dave",
        "/release retro R-1 show",
      ].join("\n"),
      { DATABASE_PATH: join(dir, "g.db"), GONOGO_USER: "alice" },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("R-1 has no retro yet: it opens after the release is shipped or rolled back.");
    // Bob's second form shows what he wrote, and his /submit of one field keeps the other two.
    expect(r.stdout).toContain("Edit your retro: R-1: payments 1.4.2 → production. Your earlier answer is filled in; saving replaces it (empty every box to withdraw it).");
    expect(r.stdout).toContain("    went_well (optional): What went well\n      now: quick vote");
    expect(r.stdout).toContain("a field you leave out keeps what it holds");
    expect(r.stdout).toContain("Thanks bob, your retro notes for R-1 are updated");
    expect(r.stdout).toContain(
      [
        "2 answers, from bob and carol:",
        "What went well:",
        "  • bob: quick vote",
        "What did not go well:",
        "  • bob: late QA",
        "  • carol: the canary was skipped",
        "Action items:",
        "  • bob: @dana add canary alerts",
      ].join("\n"),
    );
  }, 30_000);
});

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createTerminalAdapter } from "../../adapters/terminal/index.js";
import { parseLine, parseSubmission } from "../../adapters/terminal/inbound.js";
import { noGoForm, retroForm } from "../../src/app/forms.js";
import { createTestCore, type TestCore } from "../helpers/core.js";
import { makeRelease } from "../domain/fixtures.js";

let core: TestCore;
afterEach(async () => core?.close());

/** Pipes `lines` into a real terminal adapter on a real bot (fake clock, so no time passes) and returns what it printed. */
async function session(lines: string[]): Promise<string> {
  core = createTestCore({ fastForward: true });
  let out = "";
  const output = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
  const input = new PassThrough();
  const terminal = createTerminalAdapter({ bot: core.bot, input, output, colour: false, user: "alice", fileDir: mkdtempSync(join(tmpdir(), "gonogo-words-")) });
  core.bot.attachSurface(terminal.surface);
  input.end(`${lines.join("\n")}\n`);
  await terminal.run();
  return out;
}

const SHIPPED = ["/release create payments 1.4.2", "/as bob", "/press R-1 go", "/as carol", "/press R-1 go", "/as alice", "/release ship R-1", "/release shipped R-1"];

describe("the terminal's words", () => {
  it("titles the rollback form without a stray question mark before the colon", async () => {
    const out = await session([...SHIPPED, "/press R-1 rollback"]);
    expect(out).toContain("Roll back R-1: payments 1.4.2 → production (shipped; release manager alice).");
    expect(out).not.toContain("?:");
  });

  it("refuses /submit with a field the open form does not have, names its fields, and keeps the form open", async () => {
    const out = await session(["/release create payments 1.4.2", "/as dave", "/press R-1 no-go", "/submit reson=migration not tested", "/submit reason=migration not tested"]);
    expect(out).toContain("This form has no field `reson`. Its field is: reason.");
    expect(out).toContain("Your NO-GO on R-1 is in.");
    expect(out).not.toContain("blocked by no-go from dave: reson=");
  });

  it("says time to restore in the words the stats use, and drops the roll-back-by-hand note once recovered", async () => {
    const out = await session([...SHIPPED, "/release rollback R-1 error rate 5x", "/release recovered R-1", "/release stats"]);
    expect(out).toContain("R-1 is marked rolled back. Time to restore: under 1s.");
    expect(out).toContain("• Time to restore (rollback → recovered): median under 1s · 1 restored");
    expect(out).not.toContain("Time to restore: now");
    const afterRecovery = out.slice(out.indexOf("R-1 is marked rolled back"));
    expect(afterRecovery).toContain("[Rolled back]");
    expect(afterRecovery).not.toContain("roll back by hand");
  });

  it("starts its own messages with a capital letter like every other reply", async () => {
    const out = await session(["/as bob", "/cancel", "/release create payments 1.4.2", "/release vote R-1 go"]);
    expect(out).toContain("You are now bob.");
    expect(out).toContain("No form is open.");
    expect(out).toContain("Decision: Pending: 1 of 2 GO.");
  });
});

describe("reading a /submit line", () => {
  const release = makeRelease();

  it("keeps a field name the form does not have, so the core can refuse it instead of taking it as the answer", () => {
    expect(parseSubmission("reson=migration not tested", noGoForm(release, true))).toEqual({ reson: "migration not tested" });
    expect(parseSubmission("lessons=more canaries", retroForm(release))).toEqual({ lessons: "more canaries" });
  });

  it("still reads the form's own fields, and a bare answer on a one-field form", () => {
    expect(parseSubmission("reason=quorum=2 was too low", noGoForm(release, true))).toEqual({ reason: "quorum=2 was too low" });
    expect(parseSubmission("migration not tested", noGoForm(release, true))).toEqual({ reason: "migration not tested" });
    expect(parseSubmission("went_well=fast went-badly=late", retroForm(release))).toEqual({ went_well: "fast", went_badly: "late" });
  });
});

describe("/as", () => {
  it("states the name limit it shares with manager names and role subjects", () => {
    expect(parseLine(`/as ${"a".repeat(33)}`)).toEqual({ kind: "error", message: "Use /as <name>, e.g. /as dana (letters, digits, dots, dashes and underscores, at most 32 characters)." });
    expect(parseLine(`/as @${"a".repeat(32)}`)).toEqual({ kind: "as", name: "a".repeat(32) });
  });
});

describe("the terminal's direct messages", () => {
  it("prints a direct message from the bot marked with whom it is for", async () => {
    core = createTestCore({ fastForward: true });
    let out = "";
    const output = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
    const terminal = createTerminalAdapter({ bot: core.bot, input: new PassThrough(), output, colour: false, user: "alice", fileDir: mkdtempSync(join(tmpdir(), "gonogo-words-")) });
    await terminal.surface.tellPrivately!("terminal:alice", ["Your link code was used: your account and ", { subject: "terminal:bob", text: "bob on the terminal" }, " now count as one voter."]);
    expect(out).toContain("(private to alice) Your link code was used: your account and bob on the terminal now count as one voter.");
  });
});

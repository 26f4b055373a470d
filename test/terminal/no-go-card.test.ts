import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createTerminalAdapter } from "../../adapters/terminal/index.js";
import { createTestCore, type TestCore } from "../helpers/core.js";

/** A NO-GO card in the terminal still says what else the decision waits for, after the NO-GO. */

let core: TestCore;
afterEach(async () => {
  await core.close();
});

describe("the terminal: a NO-GO card", () => {
  it("prints the NO-GO first, then the quorum, sign-offs and criteria still open, and the lock line", async () => {
    core = createTestCore({ fastForward: true });
    const pipe = { input: new PassThrough(), output: new PassThrough() };
    let printed = "";
    pipe.output.on("data", (c: Buffer) => (printed += c.toString()));
    const terminal = createTerminalAdapter({ bot: core.bot, ...pipe, colour: false, user: "admin", fileDir: mkdtempSync(join(tmpdir(), "gonogo-no-go-card-")) });
    core.bot.attachSurface(terminal.surface);
    const done = terminal.run();
    pipe.input.end(
      [
        "/release policy set require=qa",
        "/release criteria set changelog",
        "/release lock payments reason incident 7",
        "/as mia",
        "/release create payments 1.4.2",
        "/as bob",
        "/release vote R-1 go",
        "/as dave",
        "/release vote R-1 no-go migration not tested",
        "/release status R-1",
      ].join("\n"),
    );
    await done;
    const card = printed.slice(printed.lastIndexOf("┌──"));
    expect(card).toMatch(/Decision: NO-GO: blocked by no-go from dave: migration not tested\n│ +Also pending: 1 of 2 GO · waiting for qa · criteria open: changelog\n/);
    expect(card).toContain("🔒 payments production is locked by admin: incident 7");
    // The vote's answer says the same in one line.
    expect(printed).toContain("Decision: NO-GO: blocked by no-go from dave: migration not tested; also pending: 1 of 2 GO · waiting for qa · criteria open: changelog.");
  });
});

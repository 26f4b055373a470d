import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createTerminalAdapter, TERMINAL_CHANNEL } from "../../adapters/terminal/index.js";
import { createTestCore, person, type TestCore } from "../helpers/core.js";

/** A deploy lock still on, said again in the terminal's channel. */

const HOUR = 3_600_000;
let core: TestCore;
afterEach(async () => core.close());

describe("the terminal: a deploy lock still on", () => {
  it("is printed in the channel after 4 hours, calling who set it, with the unlock command, and no more once unlocked", async () => {
    core = createTestCore();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (c: Buffer) => (printed += c.toString()));
    const terminal = createTerminalAdapter({ bot: core.bot, input, output, colour: false, user: "admin", fileDir: mkdtempSync(join(tmpdir(), "gonogo-lock-reminder-")) });
    core.bot.attachSurface(terminal.surface);
    const done = terminal.run();
    input.end(["/release role grant dana release-manager", "/as dana", "/release lock payments reason incident 42"].join("\n"));
    await done;
    expect(printed).toContain("🔒 payments production is locked");

    core.clock.advance(4 * HOUR);
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect(printed).toContain(
      "  #releases: 🔒 Still locked: payments production is locked by dana: incident 42. It has been on for 4h (since Tue 15 Jan 2030 09:00 (UTC)). No release is held back by it right now. If it is no longer needed: it stays locked until a release-manager or an admin lifts it with `/release unlock payments production reason <text>`. @dana",
    );

    // dana unlocks (from another client on the same gonogo: the terminal above has stopped reading).
    const unlocked = await core.bot.handle({ kind: "command", actor: person("dana"), channel: TERMINAL_CHANNEL, text: "unlock payments reason fixed" });
    expect(unlocked).toMatchObject({ error: false });
    const before = printed;
    core.clock.advance(8 * HOUR);
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect(printed.slice(before.length)).not.toContain("Still locked");
  });
});

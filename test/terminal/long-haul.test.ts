import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createTerminalAdapter } from "../../adapters/terminal/index.js";
import { createTestCore, type TestCore } from "../helpers/core.js";
import { aDayOfReleases } from "../long-haul/activity.js";

let core: TestCore | undefined;
afterEach(async () => core?.close());

describe("a terminal left open for weeks", () => {
  it("remembers the cards of releases still going, not every card it ever printed", async () => {
    core = createTestCore();
    const output = new PassThrough();
    output.resume();
    const terminal = createTerminalAdapter({ bot: core.bot, input: new PassThrough(), output, colour: false, user: "alice", fileDir: mkdtempSync(join(tmpdir(), "gonogo-terminal-")) });
    core.bot.attachSurface(terminal.surface);
    await core.bot.start();
    const made: string[] = [];
    for (let day = 1; day <= 20; day++) made.push(...(await aDayOfReleases(core, day)));
    const going = (await Promise.all(made.map((id) => core!.store.getRelease(id)))).filter((r) => r!.state !== "cancelled" && r!.state !== "closed");
    expect(made).toHaveLength(60);
    expect(going.length).toBeLessThan(20);
    expect(terminal.cardsRemembered).toBe(going.length);
  }, 30_000);
});

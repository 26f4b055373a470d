import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTerminalAdapter, TERMINAL_CHANNEL } from "../../adapters/terminal/index.js";
import { admins, createTestCore, person, type TestCore } from "../helpers/core.js";

const UP = "\u001b[A";
const ENTER = "\r";

let core: TestCore;
afterEach(async () => {
  await core.close();
});

/** A stream pair that says it is a terminal, as process.stdin/stdout do in an interactive shell. */
function fakeTty() {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 120, rows: 40 });
  return { input, output };
}

/** Starts the adapter on the given streams and collects everything it prints. */
function startTerminal(streams: { input: PassThrough; output: PassThrough }, colour = false) {
  core = createTestCore({ fastForward: true });
  let printed = "";
  streams.output.on("data", (c: Buffer) => (printed += c.toString()));
  const terminal = createTerminalAdapter({ bot: core.bot, ...streams, colour, user: "alice", fileDir: mkdtempSync(join(tmpdir(), "gonogo-console-")) });
  core.bot.attachSurface(terminal.surface);
  const done = terminal.run();
  return { done, printed: () => printed };
}

describe("the terminal adapter on a TTY", () => {
  it("shows a prompt, and the Up arrow recalls the last command", async () => {
    const tty = fakeTty();
    const t = startTerminal(tty);
    await vi.waitFor(() => expect(t.printed()).toContain("alice> "));

    tty.input.write(`/release create payments 1.4.2${ENTER}`);
    await vi.waitFor(() => expect(t.printed()).toContain("Created R-1: payments 1.4.2"));
    tty.input.write(`${UP}${ENTER}`);
    await vi.waitFor(() => expect(t.printed()).toContain("Created R-2: payments 1.4.2"));

    tty.input.end();
    await t.done;
    expect(t.printed()).not.toContain("I don't know");
  });

  it("prints a card changed meanwhile above the prompt and redraws the half-typed line", async () => {
    const tty = fakeTty();
    const t = startTerminal(tty);
    tty.input.write(`/release create payments 1.4.2${ENTER}`);
    await vi.waitFor(() => expect(t.printed()).toContain("Created R-1"));
    await core.bot.idle();

    tty.input.write("/release sta");
    await vi.waitFor(() => expect(t.printed()).toMatch(/\/release sta$/));
    // Someone votes from elsewhere (another platform, the HTTP API) while alice is typing.
    await core.bot.handle({ kind: "command", actor: person("bob"), channel: TERMINAL_CHANNEL, text: "vote R-1 go" });
    await core.bot.idle();

    await vi.waitFor(() => expect(t.printed()).toContain("Votes: 1 go"));
    const afterCard = t.printed().slice(t.printed().lastIndexOf("Votes: 1 go"));
    expect(afterCard).toMatch(/alice> \/release sta\S*$/);

    tty.input.end();
    await t.done;
  });
});

describe("the terminal adapter's /quit", () => {
  it("stops at once: lines after /quit that were already read are not run", async () => {
    const pipe = { input: new PassThrough(), output: new PassThrough() };
    const t = startTerminal(pipe);
    // All three lines arrive in one chunk, as from `printf … | npm start`.
    pipe.input.end("/release create payments 1.4.2\n/quit\n/release create search 2.0.0\n");
    await t.done;
    expect(t.printed()).toContain("Created R-1");
    expect(t.printed()).not.toContain("R-2");
  });
});

describe("what the terminal prints", () => {
  /** Everything printed, minus the adapter's own colour codes: what is left must hold no control character or bidi override. */
  // eslint-disable-next-line no-control-regex -- the adapter's own SGR codes are what is taken out
  const withoutOwnColours = (s: string) => s.replace(/\u001b\[\d+m/g, "");
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

  it("shows escape sequences, control characters and bidi overrides in user text escaped, and keeps its own colours", async () => {
    const pipe = { input: new PassThrough(), output: new PassThrough() };
    const t = startTerminal(pipe, true);
    pipe.input.end(
      [
        // Clear the screen, write the clipboard (OSC 52), and reverse the text after it.
        "/release create payments 1.4.2 desc see \u001b[2J\u001b]52;c;cm0gLXJm\u0007 \u202egnol",
        "/as bob",
        "/release vote R-1 no-go broke\b\b\b\b\bfixed \u009b31m",
        "/\u001b[1;1H\u001b[2Kgo",
      ].join("\n"),
    );
    await t.done;
    const out = t.printed();

    expect(out).toContain("see \\x1b[2J\\x1b]52;c;cm0gLXJm\\x07 \\u202egnol");
    expect(out).toContain("broke\\x08\\x08\\x08\\x08\\x08fixed \\x9b31m");
    expect(out).toContain("I don't know `/\\x1b[1;1H\\x1b[2Kgo`");
    expect(withoutOwnColours(out)).not.toMatch(UNSAFE);
    // The adapter's own colours still reach the terminal.
    expect(out).toContain("\u001b[31m");
  });

  it("cuts a long unknown command to a readable length when it echoes it", async () => {
    const pipe = { input: new PassThrough(), output: new PassThrough() };
    const t = startTerminal(pipe);
    pipe.input.end(`/${"x".repeat(5000)}\n`);
    await t.done;
    const echoed = /I don't know `([^`]*)`/.exec(t.printed())?.[1] ?? "";
    expect(echoed).toBe(`/${"x".repeat(79)}…`);
  });

  it("prints freeze windows and the freeze line on a card, with the typed reason made harmless", async () => {
    const pipe = { input: new PassThrough(), output: new PassThrough() };
    const t = startTerminal(pipe);
    pipe.input.end(
      [
        "/as admin",
        "/release freeze add now until in 3h reason incident \u001b[2J42",
        "/release freeze list",
        "/release create payments 1.4.2 at in 2h",
      ].join("\n"),
    );
    await t.done;
    const out = t.printed();
    expect(out).toContain("⛔ Freeze F-1 added");
    expect(out).toContain("• F-1 Tue 15 Jan 2030 09:00 (UTC) → Tue 15 Jan 2030 12:00 (UTC) · incident \\x1b[2J42 · added by admin · ACTIVE until Tue 15 Jan 12:00");
    expect(out).toContain("⛔ in freeze 'incident \\x1b[2J42' until Tue 15 Jan 12:00");
    expect(out).not.toContain("\u001b[2J");
  });

  it("prints a countdown step as one line, the whole card again when something else changed, and nothing when nothing did", async () => {
    core = createTestCore({ config: { admins: admins("terminal:alice") } });
    let printed = "";
    const output = new PassThrough();
    output.on("data", (c: Buffer) => (printed += c.toString()));
    const terminal = createTerminalAdapter({ bot: core.bot, input: new PassThrough(), output, colour: false, user: "alice", fileDir: mkdtempSync(join(tmpdir(), "gonogo-console-")) });
    core.bot.attachSurface(terminal.surface);
    await core.bot.handle({ kind: "command", actor: person("alice"), channel: TERMINAL_CHANNEL, text: "create payments 1.4.2 at in 3h" });
    await core.bot.idle();
    const cardsPrinted = () => printed.split("┌──").length - 1;
    expect(cardsPrinted()).toBe(1);

    core.clock.advance(60 * 60_000);
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect(cardsPrinted()).toBe(1);
    expect(printed).toContain("⏱ R-1  payments 1.4.2 → production: T-0 in 2h · next reminder T-1h");

    await core.bot.handle({ kind: "command", actor: person("bob"), channel: TERMINAL_CHANNEL, text: "vote R-1 go" });
    core.clock.advance(1_000); // past the terminal's spacing between two edits of a card
    await core.bot.idle();
    expect(cardsPrinted()).toBe(2);
    expect(printed).toContain("Votes: 1 go");

    // A refresh that changes nothing on the card (here a policy change to what it already was) prints nothing.
    const answer = await core.bot.handle({ kind: "command", actor: person("alice"), channel: TERMINAL_CHANNEL, text: "policy set self_approval=on" });
    expect(answer.type === "message" && answer.text).toContain("Open releases here follow at once: R-1.");
    core.clock.advance(1_000);
    await core.bot.idle();
    expect(cardsPrinted()).toBe(2);
  });

  it("prints an audit timeline without the chat's code fences", async () => {
    core = createTestCore();
    let printed = "";
    const output = new PassThrough();
    output.on("data", (c: Buffer) => (printed += c.toString()));
    const input = new PassThrough();
    const terminal = createTerminalAdapter({ bot: core.bot, input, output, colour: false, user: "alice", fileDir: mkdtempSync(join(tmpdir(), "gonogo-console-")) });
    core.bot.attachSurface(terminal.surface);
    const done = terminal.run();
    input.end("/release create payments 1.4.2\n/release audit R-1\n");
    await done;
    expect(printed).toContain("Audit trail of R-1");
    expect(printed).toMatch(/created payments 1\.4\.2/);
    expect(printed).not.toContain("```");
  });
});


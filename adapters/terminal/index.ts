import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { clearScreenDown, createInterface, cursorTo, moveCursor, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Bot } from "../../src/app/bot-api.js";
import { sleep, systemTimer, type ChatSurface, type Timer } from "../../src/app/ports.js";
import type { CardView, FormView } from "../../src/app/views.js";
import { actorOf, channelKey } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import { parseLine, parseSubmission, TERMINAL_HELP, withFilledIn } from "./inbound.js";
import { renderCard, renderCountdown, renderNotice, renderPrivateLine, renderReply, sameButTheTimeLeft } from "./render.js";
import { createPrinter } from "./safe-text.js";

export interface TerminalOptions {
  bot: Bot;
  input: Readable;
  output: Writable;
  /** Colours only on a TTY, so piped output stays plain text. */
  colour: boolean;
  /** Who types first, until `/as` switches. */
  user: string;
  /** Where files sent to the user (audit exports) are written. */
  fileDir: string;
  /** What `/sleep` waits on; the system timer unless a test gives one. */
  timer?: Timer;
}

/** The terminal's one channel. Its key namespaces its policy like any other channel. */
export const TERMINAL_CHANNEL: ChannelRef = { platform: "terminal", key: channelKey({ platform: "terminal", scope: "local", channel: "#releases" }), nativeId: "#releases" };

/** Whoever types, by the name they gave (`/as dana`). */
const terminalActor = (name: string): Actor => actorOf({ kind: "person", platform: "terminal", scope: null, user: name }, name);

/** Whether a stream is a terminal (a pipe, a file or a test stream is not). */
const isTty = (stream: Readable | Writable) => Boolean((stream as { isTTY?: boolean }).isTTY);

/**
 * The built-in adapter: a chat channel in your terminal. It goes through the same door
 * as Slack and Discord, prints cards when they are posted or edited, and reads commands
 * from a TTY (with a prompt, line editing and history) or a pipe.
 *
 * Creating it prints the greeting; attach its surface before `bot.start()` so what the
 * start-up produces (a T-0 held while offline, missed reminders, re-rendered cards) is
 * shown, then call `run()` to read commands.
 */
export function createTerminalAdapter(opts: TerminalOptions) {
  const { paint: p, toTerminal } = createPrinter(opts.colour);
  // Line editing needs both ends on the terminal: readline echoes what is typed to the
  // output, so with stdout piped away the person would type blind.
  const interactive = isTty(opts.input) && isTty(opts.output);
  let rl: Interface | null = null;
  /** True while the prompt is on screen waiting for a line. */
  let prompting = false;
  let seq = 0;
  /**
   * The card each message last showed, so an edit that only moves the countdown prints one line.
   * A cancelled or closed release's card is forgotten: it counts down no more, and a terminal left
   * open for months would otherwise keep every card it ever printed.
   */
  const shown = new Map<string, CardView>();
  const remember = (messageId: string, card: CardView) => (card.state === "cancelled" || card.state === "closed" ? shown.delete(messageId) : shown.set(messageId, card));

  /**
   * The one place output is written. Everything goes through `toTerminal`, so control
   * characters in what users typed are shown, never obeyed. Output that arrives while the
   * prompt waits (a reminder, a card edited by another platform) goes above it, and the
   * half-typed line is drawn again below.
   */
  function write(text: string): void {
    const out = `${toTerminal(text)}\n`;
    if (!rl || !prompting) {
      opts.output.write(out);
      return;
    }
    // Clear the prompt and what is typed (it may wrap over several rows), print, draw them again.
    moveCursor(opts.output, 0, -rl.getCursorPos().rows);
    cursorTo(opts.output, 0);
    clearScreenDown(opts.output);
    opts.output.write(out);
    // readline would otherwise first move up as many rows as the cursor was below the
    // prompt, into what was just printed (`prevRows` is how it remembers that).
    (rl as Interface & { prevRows?: number }).prevRows = 0;
    rl.prompt(true);
  }

  const surface: ChatSurface = {
    platform: "terminal",
    // Coalesce edits a little so a burst of votes prints one updated card, not ten.
    minUpdateIntervalMs: 250,
    postCard(_channel, card) {
      seq += 1;
      remember(String(seq), card);
      write(renderCard(card, p, p.dim("posted  ")));
      return Promise.resolve({ messageId: String(seq) });
    },
    updateCard(ref, card) {
      const before = shown.get(ref.messageId);
      remember(ref.messageId, card);
      // A card that did not change (a policy or freeze change refreshing every open card) is not
      // printed again; a countdown step every few minutes reprinting the whole card would bury what was typed.
      if (before && JSON.stringify(before) === JSON.stringify(card)) return Promise.resolve();
      if (before && sameButTheTimeLeft(before, card)) write(renderCountdown(card, p));
      else write(renderCard(card, p, p.dim("updated ")));
      return Promise.resolve();
    },
    postNotice(_ref, notice) {
      write(renderNotice(notice, p));
      return Promise.resolve();
    },
    // The terminal is one channel: a channel notice is printed like a thread reply, under the channel's name.
    postInChannel(_channel, notice) {
      write(renderNotice(notice, p));
      return Promise.resolve();
    },
    // Everyone at the terminal sees it; it says whom it is for, as a direct message would go to them alone.
    tellPrivately(person, line) {
      write(renderPrivateLine(person, line, p));
      return Promise.resolve();
    },
  };

  let actor: Actor = terminalActor(opts.user);
  write(p.dim(`gonogo terminal — you are ${actor.name} in ${TERMINAL_CHANNEL.nativeId}. /help for terminal commands, /release help for the rest.`));

  async function run(): Promise<void> {
    let openForm: FormView | null = null;
    const lines = createInterface({
      input: opts.input,
      // Without a terminal, readline would copy the prompt into a pipe's output.
      output: interactive ? opts.output : undefined,
      terminal: interactive,
      historySize: 500,
      removeHistoryDuplicates: true,
    });
    rl = lines;
    const prompt = () => {
      if (!interactive) return;
      lines.setPrompt(`${actor.name}> `);
      prompting = true;
      lines.prompt();
    };
    const handle = async (event: Parameters<Bot["handle"]>[0]) => {
      const reply = await opts.bot.handle(event);
      if (reply.type === "form") openForm = reply.form;
      else if (reply.type === "message") openForm = null;
      write(renderReply(reply, p));
      if (reply.type === "message" && reply.files?.length) {
        // The files are private replies (every vote and no-go reason): readable by their owner only.
        mkdirSync(opts.fileDir, { recursive: true, mode: 0o700 });
        for (const f of reply.files) {
          const path = writeNewFile(opts.fileDir, basename(f.name), f.content);
          write(`${p.dim("(private)")} file: ${path}`);
        }
      }
      // Let the card edits this caused print before the next line is read.
      await opts.bot.idle();
    };

    prompt();
    // Leaving this loop (end of input, Ctrl+D, Ctrl+C, /quit) closes readline and drops
    // any lines it had already read ahead: nothing typed after /quit runs.
    reading: for await (const raw of lines) {
      prompting = false;
      const line = parseLine(raw);
      switch (line.kind) {
        case "blank":
          break;
        case "as":
          actor = terminalActor(line.name);
          openForm = null;
          write(p.dim(`You are now ${line.name}.`));
          break;
        case "release":
          await handle({ kind: "command", actor, channel: TERMINAL_CHANNEL, text: line.text });
          break;
        case "press":
          await handle({ kind: "button", actor, channel: TERMINAL_CHANNEL, releaseId: line.releaseId, action: line.action });
          break;
        case "submit": {
          // Read through a cast: TypeScript cannot see the closure above assign it.
          const form = openForm as FormView | null;
          if (!form) write(p.red("No form is open. Press a button that asks for details first (e.g. /press R-1 no-go)."));
          else await handle({ kind: "form", actor, channel: TERMINAL_CHANNEL, form: form.form, releaseId: form.releaseId, values: withFilledIn(form, parseSubmission(line.raw, form)), tag: form.tag ?? null });
          break;
        }
        case "cancel":
          write(p.dim(openForm ? "Form closed." : "No form is open."));
          openForm = null;
          break;
        case "sleep":
          await sleep(opts.timer ?? systemTimer, line.ms);
          await opts.bot.idle();
          break;
        case "help":
          write(TERMINAL_HELP.join("\n"));
          break;
        case "quit":
          break reading;
        case "error":
          write(p.red(line.message));
          break;
      }
      prompt();
    }
    // Ctrl+D or Ctrl+C at the prompt: end its line, so what follows starts on its own.
    if (prompting) opts.output.write("\n");
    prompting = false;
    rl = null;
    lines.close();
    await opts.bot.idle();
    // Reminders and T-0 happen only while gonogo runs: a newcomer closing the terminal should know.
    write(p.dim("gonogo stopped. Reminders and T-0 run only while it runs; start it again (npm start) and it catches up on what it missed."));
  }

  return {
    surface,
    run,
    /** How many cards it remembers: for the test that pins the bound. */
    get cardsRemembered(): number {
      return shown.size;
    },
  };
}

/**
 * Writes `content` to a file of that name in `dir` that does not exist yet (`name-2.csv`, `-3`, …
 * when it does): a second export the same day, or another gonogo's in the same folder, never
 * replaces the first. Readable by its owner only.
 */
function writeNewFile(dir: string, name: string, content: string | Uint8Array): string {
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? name : `${stem}-${n}${ext}`);
    try {
      writeFileSync(path, content, { mode: 0o600, flag: "wx" });
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}

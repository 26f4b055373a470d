import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Bot } from "../../src/app/bot-api.js";
import { sleep, systemTimer, type ChatSurface, type Timer } from "../../src/app/ports.js";
import type { FormView } from "../../src/app/views.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import { parseLine, parseSubmission, TERMINAL_HELP } from "./inbound.js";
import { colours, plain, renderCard, renderNotice, renderReply } from "./render.js";

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
export const TERMINAL_CHANNEL: ChannelRef = { platform: "terminal", key: "terminal:local:#releases", nativeId: "#releases" };

/**
 * The built-in adapter: a chat channel in your terminal. It goes through the same door
 * as Slack and Discord, prints cards when they are posted or edited, and reads commands
 * from a TTY or a pipe.
 */
export function createTerminalAdapter(opts: TerminalOptions) {
  const p = opts.colour ? colours : plain;
  const write = (s: string) => opts.output.write(`${s}\n`);
  let seq = 0;

  const surface: ChatSurface = {
    platform: "terminal",
    // Coalesce edits a little so a burst of votes prints one updated card, not ten.
    minUpdateIntervalMs: 250,
    postCard(_channel, card) {
      seq += 1;
      write(renderCard(card, p, p.dim("posted  ")));
      return Promise.resolve({ messageId: String(seq) });
    },
    updateCard(_ref, card) {
      write(renderCard(card, p, p.dim("updated ")));
      return Promise.resolve();
    },
    postNotice(_ref, notice) {
      write(renderNotice(notice, p));
      return Promise.resolve();
    },
  };

  async function run(): Promise<void> {
    let actor: Actor = { id: `terminal:${opts.user}`, name: opts.user, groups: [] };
    let openForm: FormView | null = null;
    const rl = createInterface({ input: opts.input, terminal: false });
    const handle = async (event: Parameters<Bot["handle"]>[0]) => {
      const reply = await opts.bot.handle(event);
      if (reply.type === "form") openForm = reply.form;
      else if (reply.type === "message") openForm = null;
      write(renderReply(reply, p));
      if (reply.type === "message" && reply.files?.length) {
        mkdirSync(opts.fileDir, { recursive: true });
        for (const f of reply.files) {
          const path = join(opts.fileDir, basename(f.name));
          writeFileSync(path, f.content);
          write(`${p.dim("(private)")} file: ${path}`);
        }
      }
      // Let the card edits this caused print before the next line is read.
      await opts.bot.idle();
    };
    write(p.dim(`gonogo terminal — you are ${actor.name} in ${TERMINAL_CHANNEL.nativeId}. /help for terminal commands, /release help for the rest.`));
    for await (const raw of rl) {
      const line = parseLine(raw);
      switch (line.kind) {
        case "blank":
          break;
        case "as":
          actor = { id: `terminal:${line.name}`, name: line.name, groups: [] };
          openForm = null;
          write(p.dim(`you are now ${line.name}`));
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
          else await handle({ kind: "form", actor, channel: TERMINAL_CHANNEL, form: form.form, releaseId: form.releaseId, values: parseSubmission(line.raw, form) });
          break;
        }
        case "cancel":
          write(p.dim(openForm ? "form closed" : "no form is open"));
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
          rl.close();
          break;
        case "error":
          write(p.red(line.message));
          break;
      }
    }
    await opts.bot.idle();
  }

  return { surface, run };
}

import type { Command } from "../domain/command.js";
import type { Actor, ChannelRef } from "../domain/types.js";

/**
 * Which button on a card. Go and abstain vote at once; the others open a form. `check` is the
 * card's criteria menu: its `option` says which criterion and verdict (`tests:fail`).
 */
export type CardAction = "go" | "no_go" | "abstain" | "rollback" | "retro" | "check";

/** Forms the core can ask an adapter to show (a Slack modal, a Discord modal, a terminal prompt). */
export type FormId = "create" | "no_go" | "rollback" | "retro" | "check";

/**
 * Everything that comes in through the one door. Adapters build these from platform
 * payloads; tests build them directly.
 */
export type InboundEvent =
  | {
      kind: "command";
      actor: Actor;
      channel: ChannelRef;
      /** The text after `/release`, as typed (Slack, the terminal). Mentions already turned into qualified ids. */
      text: string;
      /** What the people the text mentions are called, by qualified id, where the platform said (Slack's `<@U1|dev>`). */
      names?: Record<string, string>;
      /** The workspace's or server's name, where the platform says it (Slack's team domain): `/release web` links show it. */
      place?: string;
    }
  | {
      kind: "command";
      actor: Actor;
      channel: ChannelRef;
      /** The intent already built from typed fields (Discord's slash-command options): no text to parse. */
      command: Command;
      /** What the people the options pick are called, by qualified id (Discord's resolved users). */
      names?: Record<string, string>;
      /** The server's name, where the platform says it (Discord's gateway knows it): `/release web` links show it. */
      place?: string;
    }
  | {
      kind: "button";
      actor: Actor;
      channel: ChannelRef;
      releaseId: string;
      action: CardAction;
      /** For `check`: the menu option chosen, `<criterion>:pass|fail`. Untrusted: the core parses it. */
      option?: string;
    }
  | {
      kind: "form";
      actor: Actor;
      channel: ChannelRef;
      form: FormId;
      /** Absent only for the create form. */
      releaseId: string | null;
      values: Record<string, string>;
      /** The form's `tag` as the core set it (FormView.tag), carried back by the adapter. Untrusted. */
      tag?: string | null;
    };

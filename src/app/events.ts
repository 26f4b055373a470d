import type { Command } from "../domain/command.js";
import type { Actor, ChannelRef } from "../domain/types.js";

/** Which button on a card. Go and abstain vote at once; the others open a form. */
export type CardAction = "go" | "no_go" | "abstain" | "rollback" | "retro";

/** Forms the core can ask an adapter to show (a Slack modal, a Discord modal, a terminal prompt). */
export type FormId = "create" | "no_go" | "rollback" | "retro";

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
    }
  | {
      kind: "command";
      actor: Actor;
      channel: ChannelRef;
      /** The intent already built from typed fields (Discord's slash-command options): no text to parse. */
      command: Command;
    }
  | {
      kind: "button";
      actor: Actor;
      channel: ChannelRef;
      releaseId: string;
      action: CardAction;
    }
  | {
      kind: "form";
      actor: Actor;
      channel: ChannelRef;
      form: FormId;
      /** Absent only for the create form. */
      releaseId: string | null;
      values: Record<string, string>;
    };

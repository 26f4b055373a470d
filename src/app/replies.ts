import { UserError } from "../domain/errors.js";
import { replyLineText, type CardView, type Reply, type ReplyPart } from "./views.js";

export function ok(text: string, cards: CardView[] = []): Reply {
  return { type: "message", text, cards, error: false };
}

/** A success that changed nothing (the same vote again): the card shows nothing new, so the answer must be said. */
export function unchanged(text: string): Reply {
  return { type: "message", text, cards: [], error: false, unchanged: true };
}

export function failure(text: string): Reply {
  return { type: "message", text, cards: [], error: true };
}

/** A reply whose lines hold instants each viewer reads in local time. */
export function okLines(text: string, lines: ReplyPart[][]): Reply {
  return { type: "message", text, cards: [], error: false, lines };
}

/** A refusal in one line of parts (naming a channel the asker can click): its message is the line in words. */
export class Refusal extends UserError {
  constructor(
    code: string,
    readonly parts: ReplyPart[],
  ) {
    super(code, replyLineText(parts));
  }
}

/** The private answer to a refusal: its parts when it has them, else its words. */
export function refusalReply(err: UserError): Reply {
  return err instanceof Refusal ? { type: "message", text: "", cards: [], error: true, lines: [err.parts] } : failure(err.message);
}

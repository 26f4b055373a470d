import type { CardView, Reply, ReplyPart } from "./views.js";

export function ok(text: string, cards: CardView[] = []): Reply {
  return { type: "message", text, cards, error: false };
}

export function failure(text: string): Reply {
  return { type: "message", text, cards: [], error: true };
}

/** A reply whose lines hold instants each viewer reads in local time. */
export function okLines(text: string, lines: ReplyPart[][]): Reply {
  return { type: "message", text, cards: [], error: false, lines };
}

import type { CardView, Reply } from "./views.js";

export function ok(text: string, cards: CardView[] = []): Reply {
  return { type: "message", text, cards, error: false };
}

export function failure(text: string): Reply {
  return { type: "message", text, cards: [], error: true };
}

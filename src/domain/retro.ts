import { UserError } from "./errors.js";
import { cutText } from "./limits.js";
import type { Release } from "./types.js";

/**
 * Where a release's retrospective stands, and what each stage allows: a person adds or edits
 * their own notes only while it is open (or due: asking opens it early), and anyone reads the
 * answers once it has opened.
 */
export type RetroStage = "none" | "due" | "open" | "closed";

export function retroStage(r: Pick<Release, "state" | "retroOpenedAt">): RetroStage {
  if (r.retroOpenedAt !== null) return r.state === "closed" ? "closed" : "open";
  return r.state === "shipped" || r.state === "rolled_back" ? "due" : "none";
}

/** Why a release without a retro has none, and what to do instead. */
export function noRetroYet(r: Pick<Release, "id" | "state">): UserError {
  switch (r.state) {
    case "cancelled":
      return new UserError("retro_not_open", `${r.id} was cancelled, so it has no retro.`);
    case "rolling_back":
      return new UserError("retro_not_open", `${r.id} is rolling back; its retro opens once the service is restored (\`/release recovered ${r.id}\`).`);
    case "closed":
      return new UserError("retro_not_open", `${r.id} is closed and had no retro.`);
    default:
      return new UserError("retro_not_open", `${r.id} has no retro yet: it opens after the release is shipped or rolled back.`);
  }
}

/** One person's answer, as the retro lists it. */
export interface RetroNotesBy {
  authorName: string;
  wentWell: string;
  wentBadly: string;
  actionItems: string;
}

/** The questions in the form's order, each with the answer's part it reads. */
const RETRO_QUESTIONS: ReadonlyArray<{ title: string; pick: (a: RetroNotesBy) => string }> = [
  { title: "What went well", pick: (a) => a.wentWell },
  { title: "What did not go well", pick: (a) => a.wentBadly },
  { title: "Action items", pick: (a) => a.actionItems },
];

/**
 * The answers grouped by question, one item per line written (the form asks for one action
 * item per line, owner first), each with who wrote it, by default after it:
 * `@erin add a QA slot (carol)`. Questions nobody answered are left out.
 */
export function retroGroups(answers: readonly RetroNotesBy[], item: (line: string, author: string) => string = (line, author) => `${line} (${author})`): Array<{ title: string; items: string[] }> {
  return RETRO_QUESTIONS.map(({ title, pick }) => ({
    title,
    items: answers.flatMap((a) =>
      pick(a)
        .split(/\n+/)
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => item(l, a.authorName)),
    ),
  })).filter((g) => g.items.length);
}

/**
 * An item as chat lists it: who wrote it first, so cutting a long line to fit a message never
 * cuts off its author, and the line itself at most `maxLine` characters (the web view and the
 * audit trail keep it whole).
 */
export function chatItem(maxLine: number): (line: string, author: string) => string {
  return (line, author) => `${author}: ${cutText(line, maxLine)}`;
}

/** `1 answer`, `3 answers`. */
export function answersCount(n: number): string {
  return `${n} ${n === 1 ? "answer" : "answers"}`;
}

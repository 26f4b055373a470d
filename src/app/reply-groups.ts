import { cutText } from "../domain/limits.js";

/**
 * A private answer's list under headings (a retro's answers, by question), and how much of it
 * one chat message shows. The core says what the list is; each adapter measures its lines in
 * its own markup (escaping makes them longer) and calls `groupsWithin` with its message's room.
 */

export interface ReplyGroup {
  title: string;
  items: string[];
}

export interface ReplyGroups {
  groups: ReplyGroup[];
  /** Where the whole list can be read when a message shows only part of it (the web view, the audit export). */
  whereAll: string;
  /** Some item is already cut short by the core (a long answer line): the message says where to read it whole even when every item fits. */
  shortened?: boolean;
}

/** What a message shows: each group with the items that fit (the rest counted on its last line), and a closing note when anything was left out. */
export interface FittedGroups {
  groups: ReplyGroup[];
  note: string | null;
}

/** The line that stands for a group's items left out. */
function moreLine(n: number): string {
  // Lines, not answers: an answer of three lines is three items, each with its author.
  return `…and ${n} more ${n === 1 ? "line" : "lines"}`;
}

/** The closing line when a message could not show the whole list. */
export function notAllShown(whereAll: string): string {
  return `Not everything fits in one message. ${whereAll}`;
}

/** The closing line when every item shows but some were cut short. */
function linesCutShort(whereAll: string): string {
  return `Long lines are cut short here. ${whereAll}`;
}

/**
 * The part of `list` that fits `room`, each line measured with `size`. Every group keeps its
 * heading and shows its first item, cut to an equal share of the room when it is longer (so a
 * long first question still leaves room for the action items); then items are taken in turn
 * from each group, and a group stops at its first item that does not fit, so what shows is
 * always each group's beginning. Groups without items are left out.
 */
export function groupsWithin(list: ReplyGroups, room: number, size: (line: string, heading: boolean) => number): FittedGroups {
  const groups = list.groups.filter((g) => g.items.length);
  const whole = groups.reduce((n, g) => n + size(g.title, true) + g.items.reduce((m, item) => m + size(item, false), 0), 0);
  const cutNote = list.shortened ? linesCutShort(list.whereAll) : null;
  if (whole + (cutNote === null ? 0 : size(cutNote, false)) <= room) return { groups, note: cutNote };
  const note = notAllShown(list.whereAll);
  // The heading and a "…and N more" line of every group, and the note, are kept whatever else fits.
  let used = size(note, false) + groups.reduce((n, g) => n + size(g.title, true) + size(moreLine(g.items.length), false), 0);
  const share = Math.floor((room - used) / Math.max(1, groups.length));
  const shown: string[][] = groups.map((g) => {
    const first = size(g.items[0]!, false) <= share ? g.items[0]! : shorten(g.items[0]!, share, size);
    if (first === null) return [];
    used += size(first, false);
    return [first];
  });
  const open = groups.map((g, i) => shown[i]!.length === 1 && g.items.length > 1);
  while (open.some(Boolean)) {
    groups.forEach((g, i) => {
      if (!open[i]) return;
      const item = g.items[shown[i]!.length];
      if (item === undefined || used + size(item, false) > room) {
        open[i] = false;
        return;
      }
      used += size(item, false);
      shown[i]!.push(item);
    });
  }
  return {
    groups: groups.map((g, i) => {
      const left = g.items.length - shown[i]!.length;
      return { title: g.title, items: [...shown[i]!, ...(left ? [moreLine(left)] : [])] };
    }),
    note,
  };
}

/** The longest beginning of `line` (cut as cutText cuts) whose size is at most `max`; null when not even a few words fit. */
function shorten(line: string, max: number, size: (line: string, heading: boolean) => number): string | null {
  let lo = 0;
  let hi = line.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (size(cutText(line, mid), false) <= max) lo = mid;
    else hi = mid - 1;
  }
  return lo < MIN_SHOWN ? null : cutText(line, lo);
}

/** A cut shorter than this says too little to be worth its line. */
const MIN_SHOWN = 24;

/** The whole list as plain text (the terminal, fallbacks): a heading, then its items as bullets, and where to read lines cut short whole. */
export function groupsText(list: ReplyGroups): string {
  const lines = list.groups.filter((g) => g.items.length).map((g) => [`${g.title}:`, ...g.items.map((item) => `  • ${item}`)].join("\n"));
  return [...lines, ...(list.shortened ? [linesCutShort(list.whereAll)] : [])].join("\n");
}

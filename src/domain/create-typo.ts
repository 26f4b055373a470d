import { closestWord } from "./closest-word.js";

/** The words that start an option of `/release create`, as the grammar reads them. */
export const CREATE_KEYWORDS: ReadonlySet<string> = new Set(["at", "env", "manager", "desc"]);

/** The create option word a mistyped word most likely meant (`envv` → `env`), or null. */
export function meantKeyword(word: string): string | null {
  return closestWord(word, CREATE_KEYWORDS);
}

/**
 * In a create's time that could not be read, the word that was most likely a mistyped option
 * word, and the time as it was meant: `10:00 envv staging` → `env`, `10:00 env staging`. Only
 * when the words before it read as a time on their own (`readsAsTime`): `tomorow 10 am` has
 * `am` one keystroke from `at`, but there the time itself is what is wrong.
 */
export function mistypedKeywordIn(when: string, readsAsTime: (text: string) => boolean): { keyword: string; meant: string } | null {
  const words = when.trim().split(/\s+/);
  for (let i = 1; i < words.length; i++) {
    const keyword = CREATE_KEYWORDS.has(words[i]!.toLowerCase()) ? null : meantKeyword(words[i]!);
    if (keyword && readsAsTime(words.slice(0, i).join(" "))) return { keyword, meant: [...words.slice(0, i), keyword, ...words.slice(i + 1)].join(" ") };
  }
  return null;
}

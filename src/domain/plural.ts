/** `1 event`, `2 events`, `0 events`: a count and its noun, in the singular only for one. */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `no failed deploys`, `1 failed deploy`, `2 failed deploys`: as countOf, but nothing reads as "no", not "0". */
export function countOrNo(n: number, one: string, many = `${one}s`): string {
  return n === 0 ? `no ${many}` : countOf(n, one, many);
}

/** `none`, `3`: a count that reads before a phrase (`none held by a freeze`, `none shipped`). */
export function numberOrNone(n: number): string {
  return n === 0 ? "none" : String(n);
}

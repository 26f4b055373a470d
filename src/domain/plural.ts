/** `1 event`, `2 events`, `0 events`: a count and its noun, in the singular only for one. */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

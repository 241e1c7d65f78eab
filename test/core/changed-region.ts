/** The one changed region between two texts: what lies between their longest equal prefix and suffix. */
export function changedRegion(a: string, b: string): { start: number; removed: string; added: string } {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return { start, removed: a.slice(start, endA), added: b.slice(start, endB) };
}

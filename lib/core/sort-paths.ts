/** Ranges shorter than this are sorted by comparing whole strings. */
const SMALL = 16;
/** Buckets of one radix pass: the end of a string, then the ASCII code units. */
const BUCKETS = 129;

/**
 * Sorts `paths` in place in the order of `Array.prototype.sort` (UTF-16 code units), `shared` being
 * the length of a prefix they are known to share. A most-significant-digit radix sort on ASCII
 * code units: a listing's paths share long prefixes, which every comparison of a comparison sort
 * would walk again, while a radix pass reads each character once. A range holding any other
 * code unit at the current depth falls back to a comparison sort.
 */
export function sortPaths(paths: string[], shared = 0): string[] {
  const aux: string[] = new Array<string>(paths.length);
  const stack: number[] = [0, paths.length, shared];
  const counts = new Int32Array(BUCKETS + 1);
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    if (hi - lo < SMALL) {
      insertionSort(paths, lo, hi);
      continue;
    }
    counts.fill(0);
    let wide = false;
    for (let i = lo; i < hi; i++) {
      const unit = bucketOf(paths[i], depth);
      if (unit >= BUCKETS) {
        wide = true;
        break;
      }
      counts[unit + 1]++;
    }
    if (wide) {
      const sorted = paths.slice(lo, hi).sort();
      for (let i = lo; i < hi; i++) paths[i] = sorted[i - lo];
      continue;
    }
    if (counts[1] === hi - lo) continue; // every string ends here: all equal
    let single = -1;
    for (let b = 1; b < BUCKETS; b++) {
      if (counts[b + 1] === hi - lo) single = b;
      counts[b + 1] += counts[b];
    }
    if (single !== -1) {
      // One shared code unit at this depth: nothing moves, look one deeper.
      stack.push(lo, hi, depth + 1);
      continue;
    }
    const starts = counts.slice(0, BUCKETS);
    for (let i = lo; i < hi; i++) aux[lo + counts[bucketOf(paths[i], depth)]++] = paths[i];
    for (let i = lo; i < hi; i++) paths[i] = aux[i];
    // Bucket 0 holds strings that end here: equal, already in place.
    for (let b = 1; b < BUCKETS; b++) {
      const from = lo + starts[b];
      const to = lo + (b + 1 < BUCKETS ? starts[b + 1] : hi - lo);
      if (to - from > 1) stack.push(from, to, depth + 1);
    }
  }
  return paths;
}

function bucketOf(path: string, depth: number): number {
  return depth < path.length ? path.charCodeAt(depth) + 1 : 0;
}

function insertionSort(paths: string[], lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const path = paths[i];
    let j = i - 1;
    while (j >= lo && paths[j] > path) {
      paths[j + 1] = paths[j];
      j--;
    }
    paths[j + 1] = path;
  }
}

/** Paths gathered before they are sorted as one run (a driver may yield them one by one). */
const MIN_RUN = 1024;

/**
 * A listing sorted as it arrives: each batch is sorted on its own while the backend fetches the
 * next, and runs of similar length are merged at once (a binary counter), so that little work is
 * left once the last batch is in. Repeats are dropped. The order is `Array.prototype.sort`'s.
 */
export class SortedRuns {
  private readonly runs: string[][] = [];
  private pending: string[] = [];

  add(batch: readonly string[]): void {
    for (const path of batch) this.pending.push(path);
    if (this.pending.length >= MIN_RUN) this.flush();
  }

  /** Everything added, sorted, each path once. */
  finish(): string[] {
    this.flush();
    let all = this.runs.pop() ?? [];
    while (this.runs.length > 0) all = merge(this.runs.pop()!, all);
    return all;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    let run = unique(this.pending.sort());
    this.pending = [];
    while (this.runs.length > 0 && this.runs[this.runs.length - 1].length <= run.length)
      run = merge(this.runs.pop()!, run);
    this.runs.push(run);
  }
}

function unique(sorted: string[]): string[] {
  let kept = 0;
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[kept - 1]) sorted[kept++] = sorted[i];
  sorted.length = kept;
  return sorted;
}

/** The union of two sorted runs without repeats, sorted. */
function merge(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x < y) {
      out.push(x);
      i++;
    } else if (y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}

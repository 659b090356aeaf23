/** A piece of a span: inside the set or not. */
export interface Piece {
  start: number;
  end: number;
  inside: boolean;
}

/** Sorted, disjoint `[start, end)` ranges; adjacent ones are merged. */
export class IntervalSet {
  private ranges: Array<[number, number]> = [];

  add(start: number, end: number): void {
    if (end <= start) return;
    let i = 0;
    while (i < this.ranges.length && this.ranges[i][1] < start) i++;
    let j = i;
    let lo = start;
    let hi = end;
    while (j < this.ranges.length && this.ranges[j][0] <= end) {
      lo = Math.min(lo, this.ranges[j][0]);
      hi = Math.max(hi, this.ranges[j][1]);
      j++;
    }
    this.ranges.splice(i, j - i, [lo, hi]);
  }

  /** Drops everything at or past `limit`. */
  clip(limit: number): void {
    this.ranges = this.ranges
      .filter(([start]) => start < limit)
      .map(([start, end]): [number, number] => [start, Math.min(end, limit)]);
  }

  overlaps(start: number, end: number): boolean {
    return end > start && this.ranges.some(([s, e]) => s < end && start < e);
  }

  covers(start: number, end: number): boolean {
    if (end <= start) return true;
    return this.ranges.some(([s, e]) => s <= start && end <= e);
  }

  /** `[start, end)` cut into consecutive pieces, each wholly inside or outside the set. */
  pieces(start: number, end: number): Piece[] {
    const out: Piece[] = [];
    if (end <= start) return out;
    let at = start;
    for (const [s, e] of this.ranges) {
      if (e <= at) continue;
      if (s >= end) break;
      if (s > at) out.push({ start: at, end: s, inside: false });
      const stop = Math.min(e, end);
      out.push({ start: Math.max(s, at), end: stop, inside: true });
      at = stop;
    }
    if (at < end) out.push({ start: at, end, inside: false });
    return out;
  }
}

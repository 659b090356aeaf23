const MiB = 1024 * 1024;

/** S3's smallest part (all but the last). */
export const MIN_PART_BYTES = 5 * MiB;
/** The parts aiofs uploads: memory per upload in flight, and the unit of early uploads. */
export const PART_BYTES = 8 * MiB;
/** Largest UploadPartCopy range. */
export const MAX_COPY_PART_BYTES = 5 * 1024 * MiB;
export const MAX_PARTS = 10_000;
/** Part uploads one draft runs at once; with PART_BYTES, bounds a draft's memory. */
export const UPLOAD_CONCURRENCY = 4;
/** Part numbers kept below a draft's early parts for what precedes them (copied base ranges). */
export const PREFIX_PART_NUMBERS = 1000;

/** A piece of the new content: copied from the base version on the server, or uploaded. */
export interface PlannedPart {
  kind: 'copy' | 'upload';
  start: number;
  end: number;
}

/**
 * Parts for `[0, end)` given the base ranges that may be copied (sorted, disjoint, inside it):
 * every part but the last of the whole upload at least MIN_PART_BYTES (`last`: this plan ends the
 * upload). Copied ranges too small to stand alone are uploaded instead. Undefined when the plan
 * cannot end with a part big enough (only when `last` is false).
 */
export function planParts(
  end: number,
  copyable: ReadonlyArray<{ start: number; end: number }>,
  last: boolean,
): PlannedPart[] | undefined {
  const runs: PlannedPart[] = [];
  let pending = 0; // start of the bytes to upload before the next copy
  for (const range of copyable) {
    let copyStart = range.start;
    const gap = copyStart - pending;
    if (gap > 0 && gap < MIN_PART_BYTES) {
      // Too small to stand alone: take bytes from the copy, or all of it.
      copyStart = pending + MIN_PART_BYTES;
      if (range.end - copyStart < MIN_PART_BYTES) continue;
    }
    if (range.end - copyStart < MIN_PART_BYTES) continue;
    if (copyStart > pending) runs.push({ kind: 'upload', start: pending, end: copyStart });
    runs.push({ kind: 'copy', start: copyStart, end: range.end });
    pending = range.end;
  }
  if (pending < end) {
    if (end - pending < MIN_PART_BYTES && !last) {
      const previous = runs.at(-1);
      if (!previous) return undefined;
      if (previous.kind === 'upload') {
        previous.end = end;
        pending = end;
      } else if (
        previous.end - previous.start - (MIN_PART_BYTES - (end - pending)) >=
        MIN_PART_BYTES
      ) {
        previous.end -= MIN_PART_BYTES - (end - pending);
        runs.push({ kind: 'upload', start: previous.end, end });
        pending = end;
      } else {
        return undefined;
      }
    } else {
      runs.push({ kind: 'upload', start: pending, end });
    }
  }
  return runs.flatMap(split);
}

/** A run cut into parts: uploads of PART_BYTES to twice that, copies of up to 5 GiB. */
function split(run: PlannedPart): PlannedPart[] {
  const length = run.end - run.start;
  const count =
    run.kind === 'copy'
      ? Math.ceil(length / MAX_COPY_PART_BYTES)
      : Math.max(1, Math.floor(length / PART_BYTES));
  const size = Math.ceil(length / count);
  const parts: PlannedPart[] = [];
  for (let at = run.start; at < run.end; at += size) {
    parts.push({ kind: run.kind, start: at, end: Math.min(run.end, at + size) });
  }
  return parts;
}

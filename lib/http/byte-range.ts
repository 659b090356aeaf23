import rangeParser from 'range-parser';

/** What a `Range` header asks of a file of a given size (end exclusive). */
export type RangeRequest =
  { kind: 'whole' } | { kind: 'unsatisfiable' } | { kind: 'partial'; start: number; end: number };

/** RFC 9110 §14.1.1 byte-range-spec: `first-last`, `first-`, or a suffix `-length`. */
const SPEC = /^\s*(?:(\d+)-(\d*)|-(\d+))\s*$/;

/**
 * A Range header against `size` bytes (RFC 9110 §14.2), parsed by `range-parser` as Express does:
 * - not `bytes`, malformed, or a spec whose last is before its first (invalid, §14.1.1): the header
 *   is ignored and the whole file is sent;
 * - a suffix longer than the file (`bytes=-100` of 10 bytes) is the whole file, as §14.1.2 says
 *   (range-parser 1.x refuses it as unsatisfiable: jshttp/range-parser#66, fixed only in 2.x,
 *   which needs Node 22, so it is clamped here first);
 * - several ranges (after overlapping and adjacent ones are merged): the whole file (200), which
 *   §14.2 allows instead of multipart/byteranges;
 * - nothing satisfiable — a start at or past the end, a zero-length suffix, any range of an empty
 *   file: 416;
 * - else the one range.
 */
export function parseRange(value: string, size: number): RangeRequest {
  const eq = value.indexOf('=');
  if (eq === -1 || value.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'whole' };
  const specs = value
    .slice(eq + 1)
    .split(',')
    .filter((spec) => spec.trim() !== '');
  if (specs.length === 0) return { kind: 'whole' };
  const clamped: string[] = [];
  for (const spec of specs) {
    const match = SPEC.exec(spec);
    if (!match) return { kind: 'whole' };
    if (match[1] !== undefined && match[2] !== '' && Number(match[2]) < Number(match[1])) {
      return { kind: 'whole' };
    }
    const suffix = match[3] === undefined ? undefined : Number(match[3]);
    clamped.push(suffix !== undefined && suffix > size && size > 0 ? `0-` : spec.trim());
  }
  const ranges = rangeParser(size, `bytes=${clamped.join(',')}`, { combine: true });
  if (ranges === -1) return { kind: 'unsatisfiable' };
  if (ranges === -2 || ranges.length !== 1) return { kind: 'whole' };
  return { kind: 'partial', start: ranges[0].start, end: ranges[0].end + 1 };
}

/** A single `Range: bytes=…` request resolved against a size: end exclusive. */
export type ByteRangeRequest = { start: number; end: number } | 'unsatisfiable' | undefined;

/**
 * Parses a `Range` header (RFC 9110 §14.1.2) for one range: `bytes=a-b`, `bytes=a-`, `bytes=-n`.
 * Anything else (several ranges, other units, nonsense) is ignored: the whole file is served.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRangeRequest {
  const match = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(match[1]);
  const last = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || last < start) return 'unsatisfiable';
  return { start, end: last + 1 };
}

import { clampRange, type ResolvedRange } from '../../core';

/** The first answer of a read: bytes from the start of the range, and what the object is. */
export interface FirstChunk {
  data: Buffer;
  /** The whole object's size. */
  size: number;
  etag: string;
  /** When this version was committed. */
  modifiedAt?: Date;
}

/** The ranged GETs a store offers to `readRange`. */
export interface RangeSource {
  /**
   * Up to `count` bytes from `offset`: undefined when the object does not exist, an empty chunk
   * when `offset` is at or past its end.
   */
  first(offset: number, count: number): Promise<FirstChunk | undefined>;
  /** Fills `out` from `offset` of the version `etag`; fails with a condition error if it changed. */
  fill(out: Buffer, offset: number, etag: string): Promise<void>;
  /** `range` in one GET (one version, whatever commits meanwhile); undefined when missing. */
  whole(range: ResolvedRange): Promise<Buffer | undefined>;
  isConditionFailed(error: unknown): boolean;
}

/**
 * `range` of one version of an object: a first GET, then the rest conditioned on its etag; if the
 * object changed meanwhile, the rest comes in one GET of the new version.
 */
export async function readRange(
  source: RangeSource,
  range: ResolvedRange,
  chunkBytes: number,
): Promise<Buffer | undefined> {
  const wanted = range.end === undefined ? undefined : range.end - range.start;
  const first = await source.first(
    range.start,
    Math.max(1, Math.min(wanted ?? chunkBytes, chunkBytes)),
  );
  if (!first) return undefined;
  const { start, end } = clampRange(range, first.size);
  if (start + first.data.length >= end) return first.data.subarray(0, end - start);
  const out = Buffer.allocUnsafe(end - start);
  first.data.copy(out);
  try {
    await source.fill(out.subarray(first.data.length), start + first.data.length, first.etag);
    return out;
  } catch (error) {
    if (!source.isConditionFailed(error)) throw error;
  }
  return source.whole(range);
}

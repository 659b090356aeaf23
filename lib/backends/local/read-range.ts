import type { promises as fs } from 'node:fs';
import { clampRange, type ResolvedRange } from '../../core';
import { readInto } from '../positioned-io';

/** What the first read asks for while the file's size is still unknown. */
const FIRST_READ = 64 * 1024;

/**
 * The bytes of `range` from the open `handle`, or undefined when it is not a regular file. The
 * first read runs alongside the fstat that tells the size and type, so that a small file costs
 * one step of the thread pool, not two; its bytes are dropped if the fstat refuses the file.
 */
export async function readRange(
  handle: fs.FileHandle,
  range: ResolvedRange,
): Promise<Buffer | undefined> {
  const first = Buffer.allocUnsafe(Math.min((range.end ?? Infinity) - range.start, FIRST_READ));
  const [stat, head] = await Promise.allSettled([
    handle.stat(),
    first.length > 0
      ? handle.read(first, 0, first.length, range.start)
      : Promise.resolve({ bytesRead: 0 }),
  ]);
  if (stat.status === 'rejected') throw stat.reason;
  if (!stat.value.isFile()) return undefined;
  if (head.status === 'rejected') throw head.reason;
  const { start, end } = clampRange(range, stat.value.size);
  const length = end - start;
  const got = Math.min(head.value.bytesRead, length);
  if (got === length) {
    // A small file keeps no oversized buffer alive.
    return got * 2 < first.length ? Buffer.from(first.subarray(0, got)) : first.subarray(0, got);
  }
  const buffer = Buffer.allocUnsafe(length);
  first.copy(buffer, 0, 0, got);
  const filled = await readInto(handle, buffer, got, start + got);
  return filled === length ? buffer : buffer.subarray(0, filled);
}

import { InvalidArgumentError } from './errors';

/** A byte range; `end` is exclusive. */
export interface ByteRange {
  start?: number;
  end?: number;
}

/** A checked range: `start` ≥ 0, `end` ≥ `start` or undefined (to the end of the file). */
export interface ResolvedRange {
  start: number;
  end?: number;
}

function checkOffset(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(`range.${name} must be a whole number, not ${String(value)}`);
  }
  if (value < 0)
    throw new InvalidArgumentError(`range.${name} must not be negative (got ${value})`);
  return value;
}

export function resolveRange(range: unknown): ResolvedRange {
  if (range === undefined || range === null) return { start: 0 };
  if (typeof range !== 'object')
    throw new InvalidArgumentError(`A range must be an object like { start, end }`);
  const { start, end } = range as ByteRange;
  const s = checkOffset('start', start) ?? 0;
  const e = checkOffset('end', end);
  if (e !== undefined && e < s) {
    throw new InvalidArgumentError(`range.end (${e}) must not be before range.start (${s})`);
  }
  return { start: s, end: e };
}

/** Clamps a resolved range to a file of `size` bytes: `[start, end)` with start ≤ end ≤ size. */
export function clampRange(range: ResolvedRange, size: number): { start: number; end: number } {
  const end = Math.min(range.end ?? size, size);
  const start = Math.min(range.start, end);
  return { start, end };
}

import { InvalidArgumentError } from './errors';

/** A Buffer view of what a caller gives to `write`/`writeFile` (no copy for Uint8Array). */
export function toBuffer(data: unknown, path?: string): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new InvalidArgumentError(
    `data must be a Uint8Array, Buffer or string, not ${data === null ? 'null' : typeof data}`,
    { path },
  );
}

export function checkCount(
  name: string,
  value: unknown,
  options: { allowMinusOne?: boolean } = {},
): number {
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    (value < 0 && !(options.allowMinusOne && value === -1))
  ) {
    throw new InvalidArgumentError(
      `${name} must be a whole number ≥ 0${options.allowMinusOne ? ' or -1' : ''}, not ${String(value)}`,
    );
  }
  return value;
}

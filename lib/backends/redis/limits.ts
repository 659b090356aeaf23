import { FileSystemError } from '../../core';

/** Redis's largest string value (`proto-max-bulk-len`'s default): 512 MiB. */
export const MAX_VALUE_BYTES = 512 * 1024 * 1024;

/** Bytes per APPEND, GETRANGE and snapshot step: what bounds a stream's memory. */
export const CHUNK_BYTES = 1024 * 1024;

/**
 * Bytes per GETRANGE of a read stream. A reply is garbage once consumed (the socket's buffers and
 * ioredis's copy of them) and V8 frees it only at a collection; at a quarter of CHUNK_BYTES the
 * same 256 MiB read ran as fast and its peak RSS growth was half as high (measured on Node 20).
 */
export const STREAM_READ_BYTES = 256 * 1024;

/** How long a temp or snapshot key outlives its last renewal, so a crashed process's keys vanish. */
export function orphanTtlMs(lockTtlMs: number): number {
  return lockTtlMs * 2 + 5000;
}

export function tooLargeError(path: string, size: number): FileSystemError {
  return new FileSystemError(
    'EFBIG',
    `'${path}' would grow to ${size} bytes, past Redis's 512 MiB string limit (${MAX_VALUE_BYTES} bytes); nothing was written`,
    { path },
  );
}

/** Throws EFBIG when a file of `size` bytes cannot be a Redis string. */
export function checkSize(path: string, size: number): void {
  if (size > MAX_VALUE_BYTES) throw tooLargeError(path, size);
}

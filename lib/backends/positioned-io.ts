import type { promises as fs } from 'node:fs';

// Positioned reads and writes that loop until done: the local backend's files, object stores' spools.

/** Positioned read of up to `length` bytes (fewer at the end of the file). */
export async function readAt(
  handle: fs.FileHandle,
  position: number,
  length: number,
): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  const filled = await readInto(handle, buffer, 0, position);
  return filled === length ? buffer : buffer.subarray(0, filled);
}

/** Fills `buffer` from `offset` on with the bytes at `position`; the end it reached. */
export async function readInto(
  handle: fs.FileHandle,
  buffer: Buffer,
  offset: number,
  position: number,
): Promise<number> {
  let filled = offset;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(
      buffer,
      filled,
      buffer.length - filled,
      position + filled - offset,
    );
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/** Writes all of `data` at `position` (one write may take fewer bytes). */
export async function writeAt(
  handle: fs.FileHandle,
  position: number,
  data: Buffer,
): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(
      data,
      written,
      data.length - written,
      position + written,
    );
    written += bytesWritten;
  }
}

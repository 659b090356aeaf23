import type { Readable } from 'node:stream';
import type { FileLikeSystem } from '../../lib';

const MiB = 1024 * 1024;

/** Every byte of `stream`. */
export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Checks `path` (at least 5 MiB + 4 KiB) reads back as `data` every way aiofs reads: whole, a
 * range, a stream from an offset, an `r` handle after a seek, and its size.
 */
export async function expectReadsBack(
  fs: FileLikeSystem,
  path: string,
  data: Buffer,
): Promise<void> {
  expect((await fs.readFile(path)).equals(data)).toBe(true);
  expect(
    (await fs.readFile(path, { start: 5 * MiB, end: 5 * MiB + 4096 })).equals(
      data.subarray(5 * MiB, 5 * MiB + 4096),
    ),
  ).toBe(true);
  expect(
    (await collect(await fs.openReadStream(path, { start: 3 }))).equals(data.subarray(3)),
  ).toBe(true);
  const f = await fs.open(path);
  await f.seek(2 * MiB);
  expect((await f.read(3 * MiB)).equals(data.subarray(2 * MiB, 5 * MiB))).toBe(true);
  await f.close();
  expect((await fs.stat(path)).size).toBe(data.length);
}

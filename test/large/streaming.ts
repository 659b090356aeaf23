import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileLikeSystem } from '../../lib';
import { rssGrowth } from '../support/peak-rss';
import { recordFigure } from '../support/figures';

const MiB = 2 ** 20;

/** `size` bytes that differ from chunk to chunk, without holding more than one chunk. */
function source(size: number, sample: () => void): Readable {
  let sent = 0;
  let n = 0;
  return new Readable({
    read() {
      sample();
      if (sent >= size) return this.push(null);
      const length = Math.min(MiB, size - sent);
      const chunk = Buffer.alloc(length, n++ & 0xff);
      chunk.writeUInt32LE(n, 0);
      sent += length;
      this.push(chunk);
    },
  });
}

function digestOf(size: number): string {
  const hash = createHash('sha256');
  let n = 0;
  for (let sent = 0; sent < size; sent += MiB) {
    const chunk = Buffer.alloc(Math.min(MiB, size - sent), n++ & 0xff);
    chunk.writeUInt32LE(n, 0);
    hash.update(chunk);
  }
  return hash.digest('hex');
}

/**
 * Streams `size` bytes into `path` and back out through `fs`, checking every byte (sha256) and
 * that the process's peak RSS grew by at most `limitMiB` in each direction.
 */
export async function streamRoundTrip(
  fs: FileLikeSystem,
  path: string,
  size: number,
  limitMiB: number,
): Promise<{ writeMiB: number; readMiB: number }> {
  const write = await rssGrowth(async (sample) => {
    await pipeline(source(size, sample), await fs.openWriteStream(path));
  });
  expect((await fs.stat(path)).size).toBe(size);
  let digest = '';
  const read = await rssGrowth(async (sample) => {
    const hash = createHash('sha256');
    await pipeline(
      await fs.openReadStream(path),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          sample();
          hash.update(chunk);
          callback();
        },
      }),
    );
    digest = hash.digest('hex');
  });
  expect(digest).toBe(digestOf(size));
  recordFigure(
    `${fs.backend}: streamed ${size / MiB} MiB; peak RSS growth write ${write.growthMiB.toFixed(1)} MiB, read ${read.growthMiB.toFixed(1)} MiB`,
  );
  expect(write.growthMiB).toBeLessThanOrEqual(limitMiB);
  expect(read.growthMiB).toBeLessThanOrEqual(limitMiB);
  return { writeMiB: write.growthMiB, readMiB: read.growthMiB };
}

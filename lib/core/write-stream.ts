import { Writable } from 'node:stream';
import type { FileLike } from './file-like';

/** A Writable over a write handle: `end()` commits, `destroy()` or an error discards. */
export function writableFor(handle: FileLike, highWaterMark: number): Writable {
  return new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      handle.write(chunk).then(() => callback(), callback);
    },
    writev(chunks, callback) {
      const data =
        chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((c) => c.chunk as Buffer));
      handle.write(data).then(() => callback(), callback);
    },
    final(callback) {
      handle.close().then(() => callback(), callback);
    },
    destroy(error, callback) {
      if (handle.closed) return callback(error);
      handle.abort().then(
        () => callback(error),
        (abortError: Error) => callback(error ?? abortError),
      );
    },
  });
}

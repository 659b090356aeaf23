import { Readable } from 'node:stream';
import { FileSystemError, type FileLike } from '../core';

/**
 * Bytes `[start, end)` of an `r` handle as a stream, `chunkBytes` per read (at most about two
 * chunks in memory). The stream ends as soon as the last byte is pushed; the handle is closed
 * after that (and when the stream is destroyed), so that closing it — a round trip on Redis or
 * Azure — never delays the end of a response.
 */
export function handleStream(
  file: FileLike,
  start: number,
  end: number,
  chunkBytes: number,
): Readable {
  let at = start;
  let positioned = false;
  return new Readable({
    highWaterMark: chunkBytes,
    read() {
      if (at >= end) {
        this.push(null);
        return;
      }
      const length = Math.min(chunkBytes, end - at);
      const seek = positioned ? Promise.resolve(at) : file.seek(at);
      positioned = true;
      seek
        .then(() => file.read(length))
        .then((chunk) => {
          if (chunk.length === 0) {
            throw new FileSystemError(
              'EIO',
              `'${file.path}' ended at byte ${at} while ${end - at} more were expected`,
              { path: file.path },
            );
          }
          at += chunk.length;
          this.push(chunk);
        })
        .catch((error: Error) => this.destroy(error));
    },
    destroy(error, callback) {
      file.close().then(
        () => callback(error),
        (closeError: Error) => callback(error ?? closeError),
      );
    },
  });
}

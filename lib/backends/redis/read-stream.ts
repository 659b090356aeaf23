import { Readable } from 'node:stream';
import { STREAM_READ_BYTES } from './limits';
import type { Snapshot } from './snapshot';

/**
 * A stream of a snapshot's range. A big one is fetched one GETRANGE chunk per `read()`, so at
 * most about two chunks are in memory whatever the file's size; the copy is deleted at the end.
 */
export function snapshotStream(snapshot: Snapshot, translate: (error: unknown) => Error): Readable {
  const { copy, end } = snapshot;
  if (!copy) {
    const bytes = snapshot.bytes!;
    return new Readable({
      read() {
        if (bytes.length > 0) this.push(bytes);
        this.push(null);
      },
    });
  }
  let at = snapshot.start;
  return new Readable({
    highWaterMark: STREAM_READ_BYTES,
    read() {
      if (at >= end) {
        this.push(null);
        return;
      }
      const length = Math.min(STREAM_READ_BYTES, end - at);
      const position = at;
      at += length;
      copy.read(position, length).then(
        (chunk) => this.push(chunk),
        (error: unknown) => this.destroy(translate(error)),
      );
    },
    destroy(error, callback) {
      copy.release().then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
}

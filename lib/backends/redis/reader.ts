import type { Reader } from '../../core';
import type { Snapshot } from './snapshot';

/** An `r` handle's view: one version of the file, whatever commits after it opened. */
export function snapshotReader(snapshot: Snapshot): Reader {
  const { size, bytes, copy } = snapshot;
  return {
    size,
    read: async (position, length) => {
      const count = Math.max(0, Math.min(length, size - position));
      if (count === 0) return Buffer.alloc(0);
      if (bytes) return Buffer.from(bytes.subarray(position, position + count));
      return copy!.read(position, count);
    },
    close: async () => {
      await copy?.release();
    },
  };
}

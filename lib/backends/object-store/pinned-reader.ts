import type { Reader } from '../../core';
import type { FirstChunk } from './ranged-read';

/** One version of an object, kept readable for an `r` handle until `close`. */
export interface PinnedVersion {
  /** Fills `out` with the version's bytes from `position`. */
  fill(out: Buffer, position: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A view of one version of an object for an `r` handle. A small object comes whole with the first
 * GET; a larger one is pinned (`pin`: a snapshot, a version id, a copy) on the etag of that GET,
 * so that commits by other writers never reach the reader. `pin` returns undefined when the
 * object changed between the GET and the pin: then it starts again on the new version.
 */
export async function openPinnedReader(
  first: () => Promise<FirstChunk | undefined>,
  pin: (first: FirstChunk) => Promise<PinnedVersion | undefined>,
): Promise<Reader | undefined> {
  for (let attempt = 0; ; attempt++) {
    const chunk = await first();
    if (!chunk) return undefined;
    const head = chunk.data;
    if (chunk.size <= head.length) return { ...memoryReader(head), ...versionOf(chunk) };
    const pinned = await pin(chunk);
    if (pinned) return { ...pinnedReader(pinned, head, chunk.size), ...versionOf(chunk) };
    if (attempt >= 5) throw new Error('the object kept changing while a reader opened it');
  }
}

/** The validators of the version `first` came from: the pin is taken on its etag. */
function versionOf(first: FirstChunk): Pick<Reader, 'etag' | 'modifiedAt'> {
  return { etag: first.etag, modifiedAt: first.modifiedAt };
}

export function memoryReader(data: Buffer): Reader {
  return {
    size: data.length,
    read: async (position, length) => Buffer.from(data.subarray(position, position + length)),
    close: async () => undefined,
  };
}

function pinnedReader(pinned: PinnedVersion, head: Buffer, size: number): Reader {
  let closed = false;
  return {
    size,
    read: async (position, length) => {
      const end = Math.min(size, position + length);
      if (end <= head.length) return Buffer.from(head.subarray(position, end));
      const out = Buffer.allocUnsafe(end - position);
      const fromHead = Math.max(0, head.length - position);
      if (fromHead > 0) head.copy(out, 0, position, head.length);
      await pinned.fill(out.subarray(fromHead), position + fromHead);
      return out;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await pinned.close();
    },
  };
}

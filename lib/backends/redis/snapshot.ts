import type { Redis } from 'ioredis';
import { FileSystemError, type ResolvedRange } from '../../core';
import { KeepAlive } from './keep-alive';
import { SNAPSHOT } from './scripts';

/** How long an unrenewed snapshot key lives (it is renewed every third of it while in use). */
export const SNAPSHOT_TTL_MS = 60_000;

/** One version of a file, frozen for a reader: its bytes here, or a server-side copy. */
export interface Snapshot {
  /** Size of the whole file. */
  size: number;
  /** The range, clamped to the file. */
  start: number;
  end: number;
  /** The range's bytes, when small enough to fetch at once. */
  bytes?: Buffer;
  /** Otherwise a copy of the whole value on the server, read with GETRANGE. */
  copy?: SnapshotCopy;
}

/** A server-side copy of a value, kept alive while read, deleted at release(). */
export class SnapshotCopy {
  private readonly keeper: KeepAlive;

  constructor(
    private readonly client: Redis,
    private readonly path: string,
    readonly key: string,
  ) {
    this.keeper = new KeepAlive(client, key, SNAPSHOT_TTL_MS);
  }

  /** `length` bytes at `position`, all of which the caller knows are there. */
  async read(position: number, length: number): Promise<Buffer> {
    const data = await this.client.getrangeBuffer(this.key, position, position + length - 1);
    if (data.length !== length) {
      throw new FileSystemError(
        'EIO',
        `The snapshot of '${this.path}' being read vanished (the server restarted or it expired)`,
        { path: this.path },
      );
    }
    return data;
  }

  release(): Promise<void> {
    return this.keeper.stop();
  }
}

/**
 * Freezes `range` of the file at `dataKey` in one round trip: a range of at most `maxDirect`
 * bytes comes back at once; a bigger one is copied server-side to `snapshotKey`.
 * Undefined when there is no file.
 */
export async function takeSnapshot(
  client: Redis,
  path: string,
  keys: { data: string; snapshot: string },
  range: ResolvedRange,
  maxDirect: number,
): Promise<Snapshot | undefined> {
  const reply = (await SNAPSHOT.runBuffer(
    client,
    [keys.data, keys.snapshot],
    [range.start, range.end === undefined ? '' : range.end, maxDirect, SNAPSHOT_TTL_MS],
  )) as [number, Buffer?] | null;
  if (!reply) return undefined;
  const size = Number(reply[0]);
  const end = Math.min(range.end ?? size, size);
  const start = Math.min(range.start, end);
  if (reply.length > 1) return { size, start, end, bytes: reply[1] };
  return { size, start, end, copy: new SnapshotCopy(client, path, keys.snapshot) };
}

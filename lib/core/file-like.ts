import type { FileStat } from './file-stat';
import type { OpenMode } from './modes';

export type Whence = 'start' | 'current' | 'end';

/** An open file (DESIGN §2). Writes are invisible until `close()` commits them. */
export interface FileLike extends AsyncDisposable {
  readonly path: string;
  readonly mode: OpenMode;
  readonly closed: boolean;
  /** Reads from the position; no size or -1 reads to the end. An empty Buffer at the end. */
  read(size?: number): Promise<Buffer>;
  /** Writes at the position (in `a` modes always at the end); returns the bytes written. */
  write(data: Uint8Array | string): Promise<number>;
  seek(offset: number, whence?: Whence): Promise<number>;
  tell(): number;
  /**
   * An `r` handle: the stat of the one version it reads, taken when it opened (its `etag` and
   * `modifiedAt` describe the bytes it reads, whatever commits since). A writer: `{ path, size }`
   * of its uncommitted content. No I/O; works after `close()` too.
   */
  stat(): FileStat;
  /** Cuts (or zero-extends) the file to `size`, by default the position. The position stays. */
  truncate(size?: number): Promise<void>;
  /** Commits, then releases the lock. Idempotent. */
  close(): Promise<void>;
  /** Discards every write, then releases the lock. Idempotent. */
  abort(): Promise<void>;
}

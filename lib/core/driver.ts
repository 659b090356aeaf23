import type { Readable } from 'node:stream';
import type { FileStat } from './file-stat';
import type { PathRules } from './paths';
import type { Pattern } from './patterns';
import type { ResolvedRange } from './ranges';

/**
 * The small contract a backend implements. Paths given to a driver are already normalised
 * (DESIGN §3) and checked against its `pathRules`; the facade (`DriverFileSystem`) does the
 * argument checks, locking policy, handle state and error typing.
 */
export interface StorageDriver {
  readonly backend: string;
  readonly pathRules: PathRules;
  /** Where the backend lives, for error messages: a host, a folder, an account. Never a secret. */
  readonly location: string;

  /** Takes the exclusive lock of `path` for `ttlMs`, or returns undefined when someone holds it. */
  lock(path: string, ttlMs: number): Promise<DriverLock | undefined>;

  stat(path: string): Promise<FileStat | undefined>;
  /**
   * Optional: whether a file is at `path`, asked by a call about to write or remove it. Throws
   * (FileExistsError) when something the backend must leave alone is there instead of a file.
   */
  existsForWrite?(path: string): Promise<boolean>;
  /** The bytes of `range` (clamped to the file), or undefined when the file does not exist. */
  read(path: string, range: ResolvedRange): Promise<Buffer | undefined>;
  /** A stream of `range`, or undefined when the file does not exist (checked before streaming). */
  openReadStream(path: string, range: ResolvedRange): Promise<Readable | undefined>;
  /** A view for an `r` handle, or undefined when the file does not exist. */
  openReader(path: string): Promise<Reader | undefined>;

  /**
   * Starts the uncommitted new content of `path`, empty or from its current content. With
   * `sequential` (a write stream, `writeFile`) the draft only ever gets writes at its end: no read,
   * no seek back, no truncate, so it need not keep a copy of what it already handed on.
   */
  createDraft(
    path: string,
    lock: DriverLock,
    start: 'empty' | 'current',
    hints?: { sequential?: boolean },
  ): Promise<Draft>;

  /**
   * Every stored path that may match `pattern` (a superset is fine: the facade filters),
   * in any order, with bounded memory. Never the backend's own bookkeeping entries.
   */
  list(pattern: Pattern): AsyncIterable<string>;
  /**
   * Optional: what `list` yields, a batch at a time (e.g. one per reply of the server), so that
   * a long listing costs no async step per path. A path may come twice; `ls` drops repeats.
   */
  listBatches?(pattern: Pattern): AsyncIterable<string[]>;
  /** Optional: true when every path `list` yields for `pattern` matches it (no filter needed). */
  listsExactly?(pattern: Pattern): boolean;

  /** Deletes `path`, whose lock the caller holds; false when it did not exist. */
  deleteLocked(path: string, lock: DriverLock): Promise<boolean>;
  /** Copies `from` to `to` atomically for readers of `to`; the caller holds both locks. */
  copyLocked(
    from: string,
    to: string,
    locks: { from: DriverLock; to: DriverLock },
  ): Promise<boolean>;
  /** Moves `from` to `to`; the caller holds both locks. False when `from` did not exist. */
  moveLocked(
    from: string,
    to: string,
    locks: { from: DriverLock; to: DriverLock },
  ): Promise<boolean>;

  /**
   * Optional fast path: writes `data` as the whole content of `path` in one step, refusing
   * (`'locked'`) when a writer holds the lock and (`'exists'`) when `exclusive` and the file exists.
   */
  writeWhole?(
    path: string,
    data: Buffer,
    exclusive: boolean,
  ): Promise<'written' | 'locked' | 'exists'>;
  /** Optional fast path: deletes `path` unless it is locked. */
  deleteUnlocked?(path: string): Promise<'deleted' | 'missing' | 'locked'>;

  /** One round trip to the backend; throws when it is down. */
  ping(): Promise<void>;
  /** Closes what the driver owns (not a client the caller passed in). */
  close(): Promise<void>;
  /** Types a backend error; return undefined to let the facade wrap it generically. */
  translateError?(error: unknown, path?: string): Error | undefined;
}

/** A held lock as the driver sees it. */
export interface DriverLock {
  readonly path: string;
  /** Random and unguessable; identifies the holder. */
  readonly token: string;
  /** Extends the lease by its TTL; false when the lock is no longer ours. */
  renew(): Promise<boolean>;
  /** Lets go of the lock if it is still ours. Never throws for a lock already lost. */
  release(): Promise<void>;
}

/** A read-only view of one version of a file, for an `r` handle. */
export interface Reader {
  readonly size: number;
  /** The validators of the version this reader reads, where the backend has them (as `stat`). */
  readonly modifiedAt?: Date;
  readonly etag?: string;
  read(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** The uncommitted new content of a file; invisible to readers until `commit`. */
export interface Draft {
  readonly size: number;
  read(position: number, length: number): Promise<Buffer>;
  /** Writes at `position`; a gap past the end is filled with zeros. */
  write(position: number, data: Buffer): Promise<void>;
  truncate(size: number): Promise<void>;
  /** Replaces the file atomically. Must fail (and change nothing) when the lock is known lost. */
  commit(): Promise<void>;
  discard(): Promise<void>;
}

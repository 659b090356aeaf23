import { constants, promises as fs, type Stats } from 'node:fs';
import { Readable } from 'node:stream';
import {
  clampRange,
  FileNotFoundError,
  FileSystemError,
  InvalidPathError,
  lockLostError,
  type Draft,
  type DriverLock,
  type FileStat,
  type Pattern,
  type Reader,
  type ResolvedRange,
  type StorageDriver,
} from '../../core';
import { copyInto } from './copy-into';
import { readAt } from '../positioned-io';
import { LocalDraft, publish } from './local-draft';
import { assertHeld, COMING, GOING, isLocalLock, LocalLocks, type LocalLock } from './local-lock';
import { isCode, lstatAt, type LocalPaths, type Place } from './local-paths';
import { readRange } from './read-range';
import { walkFiles } from './walk';
import { writeWhole } from './write-whole';

const READ_STREAM_CHUNK = 256 * 1024;
/** A FIFO or a device opens without waiting and without becoming a terminal; it is then refused. */
const READ_FLAGS =
  constants.O_RDONLY |
  constants.O_NOFOLLOW |
  (constants.O_NONBLOCK ?? 0) |
  (constants.O_NOCTTY ?? 0);

/** A folder on disk (DESIGN §5): a file per path, lock entries and temp files hidden. */
export class LocalDriver implements StorageDriver {
  readonly backend = 'local';
  readonly pathRules = {};
  private readonly locks: LocalLocks;

  constructor(
    private readonly paths: LocalPaths,
    private readonly durable: boolean,
    /** The file system's lease, for `writeWhole`'s own lock. */
    private readonly lockTtlMs: number,
  ) {
    this.locks = new LocalLocks(paths);
  }

  get location(): string {
    return this.paths.root;
  }

  lock(path: string, ttlMs: number): Promise<DriverLock | undefined> {
    return this.locks.acquire(path, ttlMs);
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const stat = await this.paths.atFile(path, lstatAt).catch(missingAsUndefined);
    if (!stat?.isFile()) return undefined;
    return { path, ...validatorsOf(stat) };
  }

  async read(path: string, range: ResolvedRange): Promise<Buffer | undefined> {
    const handle = await this.openRead(path);
    if (!handle) return undefined;
    try {
      return await readRange(handle, range);
    } finally {
      await handle.close();
    }
  }

  async openReadStream(path: string, range: ResolvedRange): Promise<Readable | undefined> {
    const file = await this.openFile(path);
    if (!file) return undefined;
    const { start, end } = clampRange(range, file.size);
    if (end === start) {
      await file.handle.close();
      return Readable.from([]);
    }
    return file.handle.createReadStream({
      start,
      end: end - 1,
      highWaterMark: READ_STREAM_CHUNK,
      autoClose: true,
    });
  }

  async openReader(path: string): Promise<Reader | undefined> {
    // The open descriptor is a snapshot: a commit renames a new inode over the path.
    const file = await this.openFile(path);
    if (!file) return undefined;
    const { handle, stat } = file;
    return {
      ...validatorsOf(stat),
      read: (position, length) => readAt(handle, position, length),
      close: () => handle.close(),
    };
  }

  async createDraft(path: string, lock: DriverLock, start: 'empty' | 'current'): Promise<Draft> {
    const local = ownLock(lock);
    const source = start === 'current' ? await this.openSource(local.place, path) : undefined;
    try {
      return await LocalDraft.create(local, source, this.durable);
    } finally {
      await source?.close();
    }
  }

  writeWhole(
    path: string,
    data: Buffer,
    exclusive: boolean,
  ): Promise<'written' | 'locked' | 'exists'> {
    return writeWhole(
      { paths: this.paths, locks: this.locks, durable: this.durable, lockTtlMs: this.lockTtlMs },
      path,
      data,
      exclusive,
    );
  }

  list(pattern: Pattern): AsyncIterable<string> {
    return walkFiles(this.paths, pattern.prefix);
  }

  /**
   * Removes the file by moving it into the lock's own entry, then unlinking it there: the move
   * lands only while the lock holds, so a removal queued before the lease ran out can never
   * remove what the next holder committed.
   */
  async deleteLocked(path: string, lock: DriverLock): Promise<boolean> {
    const local = ownLock(lock);
    const { folder, name } = local.place;
    const going = local.inEntry(GOING);
    try {
      await fs.rename(folder.at(name), going);
    } catch (error) {
      if (isCode(error, 'ENOENT') && !(await local.ours())) throw lockLostError(path);
      if (isCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY', 'EEXIST')) return false;
      throw error;
    }
    try {
      await fs.unlink(going);
    } catch (error) {
      // A folder at the name (it was moved in as a whole): put it back, it is not a file.
      if (isCode(error, 'EISDIR', 'EPERM')) {
        await fs.rename(going, folder.at(name)).catch(() => undefined);
        return false;
      }
      if (!isCode(error, 'ENOENT')) throw error; // ENOENT: whoever broke the lock finished it
    }
    local.tidy = true;
    return true;
  }

  async copyLocked(
    from: string,
    to: string,
    locks: { from: DriverLock; to: DriverLock },
  ): Promise<boolean> {
    const target = ownLock(locks.to);
    const source = await this.openSource(ownLock(locks.from).place, from);
    if (!source) return false;
    let copy: fs.FileHandle | undefined;
    try {
      copy = await copyInto(source, target.place.folder, target.temp);
      if (this.durable) await copy.sync();
      await copy.close();
      await assertHeld(locks.from);
      await publish(target, this.durable);
      return true;
    } catch (error) {
      await copy?.close().catch(() => undefined);
      await fs.unlink(target.place.folder.at(target.temp)).catch(() => undefined);
      throw error;
    } finally {
      await source.close();
    }
  }

  /**
   * Moves the file in steps that each land only while their lock holds: a second name for it in
   * the target's lock entry (`link`), renamed over the target, then the source's name moved into
   * the source's lock entry and removed there. If the target's lock was lost, nothing changed; if
   * the source's was, the target is written and the source stays (a copy, never a loss).
   */
  async moveLocked(
    from: string,
    to: string,
    locks: { from: DriverLock; to: DriverLock },
  ): Promise<boolean> {
    const source = ownLock(locks.from);
    const target = ownLock(locks.to);
    const stat = await this.paths.following(source.place, from, lstatAt).catch(missingAsUndefined);
    if (!stat?.isFile()) return false;
    await Promise.all([assertHeld(source), assertHeld(target)]);
    const src = source.place.folder.at(source.place.name);
    const coming = target.inEntry(COMING);
    try {
      await fs.link(src, coming);
    } catch (error) {
      if (isCode(error, 'ENOENT')) {
        if (!(await target.ours())) throw lockLostError(to);
        return false;
      }
      // A disk without hard links: a plain rename, checked against the leases only before it.
      if (isCode(error, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS'))
        return this.renameUnfenced(source, target);
      throw error;
    }
    try {
      await fs.rename(coming, target.place.folder.at(target.place.name));
    } catch (error) {
      await fs.unlink(coming).catch(() => undefined);
      if (isCode(error, 'ENOENT')) throw lockLostError(to);
      throw error;
    }
    const going = source.inEntry(GOING);
    try {
      await fs.rename(src, going);
    } catch (error) {
      if (isCode(error, 'ENOENT') && !(await source.ours())) throw lockLostError(from);
      if (!isCode(error, 'ENOENT')) throw error;
    }
    await fs.unlink(going).catch(() => undefined);
    source.tidy = true;
    if (this.durable) {
      await target.place.folder.sync();
      await source.place.folder.sync().catch(() => undefined);
    }
    return true;
  }

  private async renameUnfenced(source: LocalLock, target: LocalLock): Promise<boolean> {
    try {
      await fs.rename(
        source.place.folder.at(source.place.name),
        target.place.folder.at(target.place.name),
      );
    } catch (error) {
      if (isCode(error, 'ENOENT')) return false;
      throw error;
    }
    source.tidy = true;
    if (this.durable) await target.place.folder.sync();
    return true;
  }

  async ping(): Promise<void> {
    await fs.access(this.paths.root, constants.R_OK | constants.W_OK);
  }

  async close(): Promise<void> {
    await this.paths.close();
  }

  translateError(error: unknown, path?: string): Error | undefined {
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' && path) return new FileNotFoundError(path, { cause: error });
    if ((code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') && path) {
      return new InvalidPathError(
        path,
        'a folder and a file of the same name cannot coexist on the local backend',
        { cause: error },
      );
    }
    if (code === 'ENAMETOOLONG' && path)
      return new InvalidPathError(path, 'a name is too long for this disk', { cause: error });
    if (code && /^E[A-Z]+$/.test(code)) {
      return new FileSystemError(
        code,
        `local backend failed${path ? ` on '${path}'` : ''}: ${(error as Error).message}`,
        { path, cause: error },
      );
    }
    return undefined;
  }

  /** An open descriptor of the regular file at `path` and its size, or undefined. */
  private async openFile(
    path: string,
  ): Promise<{ handle: fs.FileHandle; size: number; stat: Stats } | undefined> {
    const handle = await this.openRead(path);
    if (!handle) return undefined;
    try {
      const stat = await handle.stat();
      if (stat.isFile()) return { handle, size: stat.size, stat };
    } catch (error) {
      await handle.close();
      throw error;
    }
    await handle.close();
    return undefined;
  }

  /**
   * An open descriptor of what is at `path` (not yet known to be a regular file), or undefined.
   * Opened read-only and non-blocking in its held folder, so that opening has no effect: a FIFO
   * or a device is then refused by its type, never waited on.
   */
  private openRead(path: string): Promise<fs.FileHandle | undefined> {
    return this.paths.atFile(path, openForReading).catch(missingAsUndefined);
  }

  /**
   * The file at `place` open for copying from, when it is a regular file: anything else (a FIFO,
   * a socket, a device) reads as missing, without a call that could wait on it. A folder there
   * is an error (EISDIR), as a file and a folder cannot share a name.
   */
  private async openSource(place: Place, path: string): Promise<fs.FileHandle | undefined> {
    const handle = await this.paths
      .following(place, path, openForReading)
      .catch(missingAsUndefined);
    if (!handle) return undefined;
    let stat: Stats;
    try {
      stat = await handle.stat();
    } catch (error) {
      await handle.close();
      throw error;
    }
    if (stat.isFile()) return handle;
    await handle.close();
    if (stat.isDirectory())
      throw Object.assign(new Error(`EISDIR: a folder, '${path}'`), { code: 'EISDIR' });
    return undefined;
  }
}

function openForReading(place: Place): Promise<fs.FileHandle> {
  return fs.open(place.folder.at(place.name), READ_FLAGS);
}

function ownLock(lock: DriverLock): LocalLock {
  if (!isLocalLock(lock)) throw new TypeError('not a lock of the local backend');
  return lock;
}

/** What a read takes for a missing file: nothing there, or what cannot be opened as one (ENXIO: a socket). */
function missingAsUndefined(error: unknown): undefined {
  if (isCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR', 'ENXIO')) return undefined;
  throw error;
}

/** Size and validators of a regular file: the etag changes with its inode, size or mtime. */
function validatorsOf(stat: Stats): { size: number; modifiedAt: Date; etag: string } {
  return {
    size: stat.size,
    modifiedAt: new Date(stat.mtimeMs),
    etag: `"${stat.ino.toString(16)}-${stat.size.toString(16)}-${Math.floor(stat.mtimeMs * 1000).toString(16)}"`,
  };
}

import { constants, promises as fs, type Stats } from 'node:fs';
import * as nodePath from 'node:path';
import { Readable } from 'node:stream';
import {
  clampRange,
  FileNotFoundError,
  FileSystemError,
  InvalidPathError,
  type Draft,
  type DriverLock,
  type FileStat,
  type Pattern,
  type Reader,
  type ResolvedRange,
  type StorageDriver,
} from '../../core';
import { createTemp, LocalDraft, publish, readAt } from './local-draft';
import { readRange } from './read-range';
import { assertHeld, isLocalLock, LocalLocks } from './local-lock';
import { fsyncDir, isCode, type LocalPaths } from './local-paths';
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
    const absolute = await this.paths.checked(path, false);
    let stat = await fs.lstat(absolute).catch(missingAsUndefined);
    if (stat?.isSymbolicLink()) {
      const real = await this.realInside(path, absolute);
      stat = real === undefined ? undefined : await fs.stat(real).catch(missingAsUndefined);
    }
    if (!stat?.isFile()) return undefined;
    return { path, ...validatorsOf(stat) };
  }

  async read(path: string, range: ResolvedRange): Promise<Buffer | undefined> {
    const handle = await this.openChecked(path);
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
    // The lock checked the folders on the way; the file itself matters only when copied from.
    const target =
      start === 'empty' && isLocalLock(lock) && lock.wayChecked
        ? this.paths.absolute(path)
        : await this.paths.checked(path, start === 'current');
    return LocalDraft.create(this.paths, target, lock, start, this.durable);
  }

  writeWhole(
    path: string,
    data: Buffer,
    exclusive: boolean,
  ): Promise<'written' | 'locked' | 'exists'> {
    return writeWhole(
      {
        paths: this.paths,
        locks: this.locks,
        durable: this.durable,
        lockTtlMs: this.lockTtlMs,
        stat: (p) => this.stat(p),
      },
      path,
      data,
      exclusive,
    );
  }

  list(pattern: Pattern): AsyncIterable<string> {
    return walkFiles(this.paths, pattern.prefix);
  }

  async deleteLocked(path: string): Promise<boolean> {
    const target = await this.paths.checked(path);
    try {
      await fs.unlink(target);
    } catch (error) {
      if (isCode(error, 'ENOENT', 'EISDIR', 'ENOTDIR', 'EPERM')) return false;
      throw error;
    }
    await this.paths.removeEmptyParents(target);
    return true;
  }

  async copyLocked(
    from: string,
    to: string,
    locks: { from: DriverLock; to: DriverLock },
  ): Promise<boolean> {
    const [source, target] = await Promise.all([this.paths.checked(from), this.paths.checked(to)]);
    if (!(await this.stat(from))) return false;
    const { temp, handle } = await createTemp(this.paths, target);
    try {
      await handle.close();
      await fs.copyFile(source, temp, constants.COPYFILE_FICLONE);
      if (this.durable) await syncFile(temp);
      await assertHeld(locks.from);
      await publish(temp, target, this.durable, locks.to);
      return true;
    } catch (error) {
      await fs.unlink(temp).catch(() => undefined);
      await this.paths.removeEmptyParents(target);
      if (isCode(error, 'ENOENT')) return false;
      throw error;
    }
  }

  async moveLocked(
    from: string,
    to: string,
    locks: { from: DriverLock; to: DriverLock },
  ): Promise<boolean> {
    const [source, target] = await Promise.all([this.paths.checked(from), this.paths.checked(to)]);
    if (!(await this.stat(from))) return false;
    await Promise.all([assertHeld(locks.from), assertHeld(locks.to)]);
    if (!(await this.paths.renameInto(source, target))) return false;
    if (this.durable) {
      await fsyncDir(nodePath.dirname(target));
      await fsyncDir(nodePath.dirname(source)).catch(() => undefined);
    }
    await this.paths.removeEmptyParents(source);
    return true;
  }

  async ping(): Promise<void> {
    await fs.access(this.paths.root, constants.R_OK | constants.W_OK);
  }

  async close(): Promise<void> {}

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

  /** The real place of the symlink at `absolute` when it stays inside the root; undefined when dangling. */
  private async realInside(path: string, absolute: string): Promise<string | undefined> {
    let real: string;
    try {
      real = await fs.realpath(absolute);
    } catch (error) {
      if (!isCode(error, 'ENOENT', 'ENOTDIR')) throw error;
      await this.paths.checked(path); // a dangling link that would lead outside is still refused
      return undefined;
    }
    if (!this.paths.contains(real))
      throw new InvalidPathError(path, 'it resolves outside the root through a symlink');
    return real;
  }

  /** An open descriptor of the regular file at `path` and its size, or undefined. */
  private async openFile(
    path: string,
  ): Promise<{ handle: fs.FileHandle; size: number; stat: Stats } | undefined> {
    const handle = await this.openChecked(path);
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
   * The folders on the way are checked while it opens (read-only and non-blocking, so that
   * opening has no effect); nothing is read before that check passes.
   */
  private async openChecked(path: string): Promise<fs.FileHandle | undefined> {
    const absolute = this.paths.absolute(path);
    const [linked, opened] = await Promise.allSettled([
      this.paths.linkOnTheWay(path),
      this.openNoFollow(path, absolute),
    ]);
    if (linked.status === 'fulfilled' && !linked.value) {
      if (opened.status === 'rejected') throw opened.reason;
      return opened.value;
    }
    if (opened.status === 'fulfilled') await opened.value?.close().catch(() => undefined);
    if (linked.status === 'rejected') throw linked.reason;
    await this.paths.checkedWithLinks(path);
    return this.openNoFollow(path, absolute);
  }

  /** Opens the file without following a symlink; a symlink as the file costs a real-path check. */
  private async openNoFollow(path: string, absolute: string): Promise<fs.FileHandle | undefined> {
    try {
      return await fs.open(absolute, READ_FLAGS);
    } catch (error) {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
      if (!isCode(error, 'ELOOP')) throw error;
    }
    const real = await this.realInside(path, absolute);
    if (real === undefined) return undefined;
    return fs.open(real, READ_FLAGS & ~constants.O_NOFOLLOW).catch(missingAsUndefined);
  }
}

function missingAsUndefined(error: unknown): undefined {
  if (isCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR')) return undefined;
  throw error;
}

async function syncFile(path: string): Promise<void> {
  const handle = await fs.open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Size and validators of a regular file: the etag changes with its inode, size or mtime. */
function validatorsOf(stat: Stats): { size: number; modifiedAt: Date; etag: string } {
  return {
    size: stat.size,
    modifiedAt: new Date(stat.mtimeMs),
    etag: `"${stat.ino.toString(16)}-${stat.size.toString(16)}-${Math.floor(stat.mtimeMs * 1000).toString(16)}"`,
  };
}

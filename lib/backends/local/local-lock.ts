import { createHash, randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { lockLostError, RESERVED_PREFIX, type DriverLock } from '../../core';
import { letGo, type HeldFolder } from './held-folder';
import { isCode, type LocalPaths, type Place } from './local-paths';

/** Extra time after a lease's expiry before another process may break its entry. */
const BREAK_GRACE_MS = 500;
/** The lease assumed for an entry whose content cannot be read (a foreign or damaged file). */
const UNREADABLE_TTL_MS = 30_000;
/**
 * A break marker older than this was left by a process that died while breaking or releasing
 * (it is held for a few system calls only).
 */
const MARKER_STALE_MS = 10_000;
/** Margin under which a holder stops trusting its own clock and reads the entry on disk. */
const TRUST_MARGIN_MS = 1000;

/** What an entry says: the owner's token and its lease. */
interface EntryContent {
  token: string;
  ttlMs: number;
}

const NON_BLOCKING_READ =
  constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** A symlink entry's target (it points nowhere): short enough to live in the inode. */
const LINK_PREFIX = 'aiofs-lock:';
const ENTRY_PREFIX = `${RESERVED_PREFIX}-lock-`;

/** The lock entry of a file named `name`: beside it, hidden, the same length for every name. */
export function entryName(name: string): string {
  return `${ENTRY_PREFIX}${createHash('sha256').update(name).digest('hex')}`;
}

/**
 * Cross-process locks as entries beside the files they lock: `<folder>/.aiofs-lock-<sha256(name)>`.
 *
 * - The entry lives in the folder that really holds the file (reached through held folder
 *   descriptors), so every name that reaches one file, through a symlinked folder or from
 *   another root that contains it, finds the same entry.
 * - An entry is a symlink created exclusively whose target (pointing nowhere) holds the owner
 *   token and lease TTL: one system call, no half-written state. Where symlinks cannot be made
 *   (Windows without the privilege), it is a file created with O_EXCL holding the same as JSON;
 *   both forms are read everywhere.
 * - Its mtime is the last renewal; ownership is the token inside, never the inode (inodes are
 *   reused).
 * - Breaking a stale entry, and a holder's release of an old lease, happen under an exclusive
 *   `<entry>.break` marker after re-reading the entry, so no process removes an entry that was
 *   replaced after it looked. A young lease is released by a plain unlink: nobody can break it.
 * - Time is compared on one clock: the processes sharing a root must share a machine (or keep
 *   their clocks in step within the grace).
 */
export class LocalLocks {
  /** Cleared when the disk refuses symlinks: entries are files from then on. */
  private symlinks: boolean;

  constructor(
    private readonly paths: LocalPaths,
    entries: 'symlink' | 'file' = 'symlink',
  ) {
    this.symlinks = entries === 'symlink';
  }

  /**
   * Takes the lock of `path`, making its missing folders (the entry lives there), or returns
   * undefined when another holder's entry is there and alive.
   */
  async acquire(path: string, ttlMs: number): Promise<LocalLock | undefined> {
    for (let walk = 0; ; walk++) {
      const place = (await this.paths.place(path, true))!;
      let taken: LocalLock | undefined | 'gone';
      try {
        taken = await this.takeAt(place, path, ttlMs);
      } finally {
        if (!(taken instanceof LocalLock)) letGo(place.folder);
      }
      if (taken !== 'gone') return taken;
      if (walk >= 8) throw folderGone(path);
    }
  }

  /**
   * Takes the lock of the file at `place`; the lock then keeps `place` held until released
   * (otherwise the caller still holds it). 'gone' when the folder was removed (by a cleanup) since
   * it was reached: the caller walks again.
   */
  async takeAt(
    place: Place & { created: boolean },
    path: string,
    ttlMs: number,
  ): Promise<LocalLock | undefined | 'gone'> {
    const token = randomBytes(16).toString('hex');
    const entry = entryName(place.name);
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        // Taken before the entry is made, so that this holder's expiry is never later than what
        // other processes compute from the entry's mtime.
        const started = Date.now();
        const created = await this.createEntry(place.folder, entry, path, { token, ttlMs });
        if (created) {
          await created.ready;
          return new LocalLock(path, token, place, entry, ttlMs, started + ttlMs, this.paths);
        }
        if (!(await breakIfStale(place.folder, entry))) return undefined;
      }
      return undefined;
    } catch (error) {
      if (isCode(error, 'ENOENT')) return 'gone';
      throw error;
    }
  }

  /** Creates `entry` unless it exists (undefined then); `ready` settles once it holds `content`. */
  private async createEntry(
    folder: HeldFolder,
    entry: string,
    path: string,
    content: EntryContent,
  ): Promise<{ ready: Promise<void> } | undefined> {
    if (this.symlinks) {
      try {
        await fs.symlink(`${LINK_PREFIX}${content.token}:${content.ttlMs}`, folder.at(entry));
        return { ready: Promise.resolve() };
      } catch (error) {
        if (isCode(error, 'EEXIST')) return undefined;
        if (!isCode(error, 'EPERM', 'ENOSYS', 'ENOTSUP', 'EOPNOTSUPP', 'EINVAL')) throw error;
        this.symlinks = false;
      }
    }
    const json = { path, ...content, pid: process.pid, host: hostname() };
    return createFileEntry(folder.at(entry), JSON.stringify(json));
  }
}

/**
 * Creates `entry` as a file unless it exists (undefined then) and writes `content` into it in
 * the background: `ready` settles when that is done. Between the exclusive create and the write,
 * other processes read an unreadable entry, which they take for a live one (UNREADABLE_TTL_MS),
 * never for a stale one.
 */
async function createFileEntry(
  entry: string,
  content: string,
): Promise<{ ready: Promise<void> } | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(entry, 'wx');
  } catch (error) {
    if (isCode(error, 'EEXIST')) return undefined;
    throw error;
  }
  const ready = (async () => {
    try {
      await handle.writeFile(content);
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlinkIfPresent(entry).catch(() => undefined);
      throw error;
    }
  })();
  ready.catch(() => undefined); // whoever uses the lock awaits it; it is never left unhandled
  return { ready };
}

/**
 * What the entry holds now: undefined when it is gone. Anything but a symlink or a regular file
 * there (a FIFO, a folder) is unreadable: it is never opened, so nothing can block on it.
 */
async function readEntry(
  entry: string,
): Promise<{ mtimeMs: number; content?: EntryContent } | undefined> {
  try {
    const stat = await fs.lstat(entry);
    if (stat.isSymbolicLink())
      return { mtimeMs: stat.mtimeMs, content: parseEntry(await fs.readlink(entry)) };
    if (!stat.isFile()) return { mtimeMs: stat.mtimeMs };
    return { mtimeMs: stat.mtimeMs, content: parseEntry(await readSmall(entry)) };
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/** The first bytes of a regular file, opened so that whatever replaced it meanwhile cannot block. */
async function readSmall(file: string): Promise<string> {
  const handle = await fs.open(file, NON_BLOCKING_READ);
  try {
    if (!(await handle.stat()).isFile()) return '';
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

function parseEntry(text: string): EntryContent | undefined {
  if (text.startsWith(LINK_PREFIX)) {
    const [token, ttl] = text.slice(LINK_PREFIX.length).split(':');
    return { token, ttlMs: Number(ttl) };
  }
  try {
    const parsed = JSON.parse(text) as Partial<EntryContent>;
    if (typeof parsed?.token === 'string')
      return { token: parsed.token, ttlMs: Number(parsed.ttlMs) };
  } catch {
    // damaged or foreign
  }
  return undefined;
}

function isStale(seen: { mtimeMs: number; content?: EntryContent }, now = Date.now()): boolean {
  const ttlMs = Number(seen.content?.ttlMs) || UNREADABLE_TTL_MS;
  return seen.mtimeMs + ttlMs + BREAK_GRACE_MS < now;
}

/** Removes `entry` when its lease has expired; true when the caller should try to take it again. */
async function breakIfStale(folder: HeldFolder, name: string): Promise<boolean> {
  const entry = folder.at(name);
  const seen = await readEntry(entry);
  if (!seen) return true;
  if (!isStale(seen)) return false;
  return (
    (await underMarker(entry, async () => {
      // Look again: it may have been broken and taken by someone else since the first look.
      const now = await readEntry(entry);
      if (now && !isStale(now)) return false;
      if (now) await unlinkIfPresent(entry);
      return true;
    })) ?? false
  );
}

/**
 * Runs `action` while holding the entry's break marker; undefined when another process holds a
 * live marker. A dead process's marker is cleared after MARKER_STALE_MS.
 */
async function underMarker<T>(entry: string, action: () => Promise<T>): Promise<T | undefined> {
  const marker = `${entry}.break`;
  try {
    await fs.writeFile(marker, '', { flag: 'wx' });
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error;
    const stat = await fs.stat(marker).catch(() => undefined);
    if (stat && stat.mtimeMs + MARKER_STALE_MS < Date.now()) await unlinkIfPresent(marker);
    return undefined;
  }
  try {
    return await action();
  } finally {
    await unlinkIfPresent(marker);
  }
}

async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await fs.unlink(file);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
}

export class LocalLock implements DriverLock {
  /** Remove the empty folders on the way once released (the lock made them, or its file went). */
  tidy: boolean;
  private released = false;

  constructor(
    readonly path: string,
    readonly token: string,
    /** Where the file is: its folder, held until the lock is released. */
    readonly place: Place & { created: boolean },
    private readonly entry: string,
    private readonly ttlMs: number,
    /** When the lease runs out by this holder's own account (renewals move it). */
    private expiresAt: number,
    private readonly paths: LocalPaths,
  ) {
    this.tidy = place.created;
  }

  /**
   * Whether the entry is still ours. Before `expiresAt` nobody can have broken it (breaking needs
   * the expiry plus a grace on the same clock), so the disk is read only near it; past it the
   * lease is over even if nobody broke the entry yet.
   */
  async held(): Promise<boolean> {
    const now = Date.now();
    if (now < this.expiresAt - TRUST_MARGIN_MS) return true;
    if (now >= this.expiresAt) return false;
    return this.ours();
  }

  async renew(): Promise<boolean> {
    const started = Date.now();
    if (started >= this.expiresAt) return false;
    const touched = new Date(started);
    try {
      // The entry itself, not what a symlink entry points to (nothing).
      await fs.lutimes(this.entryPath(), touched, touched);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return false;
      throw error;
    }
    // Checked after touching: if the entry is ours now, it was ours when touched (a broken entry
    // never comes back).
    if (!(await this.ours())) return false;
    this.expiresAt = started + this.ttlMs;
    return true;
  }

  async release(): Promise<void> {
    if (this.released) return;
    const expiresAt = this.expiresAt;
    this.expiresAt = 0;
    try {
      await this.removeEntry(expiresAt);
      if (this.tidy) await this.paths.removeEmptyFolders(this.place.folder.segments);
    } finally {
      this.released = true;
      letGo(this.place.folder);
    }
  }

  private async removeEntry(expiresAt: number): Promise<void> {
    // A young lease cannot have been broken (that needs its expiry plus a grace, on the same
    // clock), and half a lease is far more than an unlink takes: remove it directly.
    if (Date.now() < expiresAt - this.ttlMs / 2) {
      await unlinkIfPresent(this.entryPath());
      return;
    }
    // An old one may have been broken and replaced: remove it only if it is still ours, under
    // the marker. A busy marker means another process is looking at the entry (or breaking it):
    // retry shortly, then leave the entry to expire.
    for (let attempt = 0; attempt < 20; attempt++) {
      const done = await underMarker(this.entryPath(), async () => {
        if (await this.ours()) await unlinkIfPresent(this.entryPath());
        return true;
      });
      if (done) return;
      await new Promise((resolve) => setTimeout(resolve, 5 + attempt * 5));
    }
  }

  private entryPath(): string {
    return this.place.folder.at(this.entry);
  }

  private async ours(): Promise<boolean> {
    if (this.released) return false;
    const seen = await readEntry(this.entryPath());
    return seen?.content?.token === this.token;
  }
}

export function folderGone(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: the folder of '${path}' keeps being removed`), {
    code: 'ENOENT',
  });
}

/** Refuses to go on with a lock whose lease this process can no longer vouch for. */
export async function assertHeld(lock: DriverLock): Promise<void> {
  if (isLocalLock(lock) && !(await lock.held())) throw lockLostError(lock.path);
}

export function isLocalLock(lock: DriverLock): lock is LocalLock {
  return lock instanceof LocalLock;
}

import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { lockLostError, RESERVED_PREFIX, type DriverLock } from '../../core';
import { letGo, type HeldFolder } from './held-folder';
import { isCode, type LocalPaths, type Place } from './local-paths';

/** Extra time after a lease's expiry before another process may break its entry. */
const BREAK_GRACE_MS = 500;
/**
 * The lease assumed for an entry with no readable owner: a foreign file or folder, or what a
 * release cut short left (an empty entry, which a taker's rename simply replaces).
 */
const UNREADABLE_TTL_MS = 30_000;
/** Margin under which a holder stops trusting its own clock and looks at its entry on disk. */
const TRUST_MARGIN_MS = 1000;

const ENTRY_PREFIX = `${RESERVED_PREFIX}-lock-`;
const OWNER_PREFIX = 'owner-';
/** Names a holder gives a file inside its own entry while it removes or moves it. */
export const GOING = 'going';
export const COMING = 'coming';

/** The lock entry of a file named `name`: beside it, hidden, the same length for every name. */
export function entryName(name: string): string {
  return `${ENTRY_PREFIX}${createHash('sha256').update(name).digest('hex')}`;
}

/**
 * The temp file of the holder whose token is `token`, beside the file it will replace: whoever
 * breaks that holder's entry removes it first, so that the holder's commit (a rename of it)
 * can no longer land.
 */
export function tempFor(token: string): string {
  return `${RESERVED_PREFIX}-tmp-${token}`;
}

export function newToken(): string {
  return randomBytes(16).toString('hex');
}

function ownerName(token: string, ttlMs: number): string {
  return `${OWNER_PREFIX}${token}-${ttlMs}`;
}

function parseOwner(name: string): { token: string; ttlMs: number } | undefined {
  const match = /^owner-([0-9a-f]{32})-(\d+)$/.exec(name);
  return match ? { token: match[1], ttlMs: Number(match[2]) } : undefined;
}

/**
 * Cross-process locks as entries beside the files they lock: the folder
 * `<folder>/.aiofs-lock-<sha256(name)>`, holding the symlink `owner-<token>-<ttlMs>`.
 *
 * - The entry lives in the folder that really holds the file (reached through held folder
 *   descriptors), so every name that reaches one file, through a symlinked folder or from
 *   another root that contains it, finds the same entry.
 * - Taking: the entry is made under a name of its own with the owner in it (through its own
 *   descriptor), then renamed to its place, which fails while another entry (never empty while
 *   held) is there: the taker's descriptor is always of its own entry.
 * - The owner's mtime is the last renewal; the owner existing in the holder's own entry is the
 *   proof of ownership (its token is unique), read from a descriptor, never by path.
 * - Every removal is conditional by construction, whenever it lands: the owner by its unique
 *   name, then the entry by `rmdir`, which only removes an empty folder. A late release or break
 *   can never remove another holder's entry.
 * - Fencing: whoever breaks an expired entry first removes the holder's temp file
 *   (`tempFor(token)`) and the files inside the entry, so that the holder's commit, removal or
 *   move — renames from its temp file or into its own entry — fails even if it was already
 *   queued. A commit can only land while its owner is still in place.
 * - Time is compared on one clock: the processes sharing a root must share a machine (or keep
 *   their clocks in step within the grace).
 */
export class LocalLocks {
  constructor(private readonly paths: LocalPaths) {}

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
    token = newToken(),
  ): Promise<LocalLock | undefined | 'gone'> {
    const { folder } = place;
    const name = entryName(place.name);
    // The entry is made under a name of its own, with its owner in it, then published by a rename,
    // which fails while another entry (never empty while held) has the name: the taker's
    // descriptor is always of its own entry, and no taker's entry is ever seen without its owner.
    const draft = `${name}.${token}`;
    // Taken before anything is made, so that this holder's expiry is never later than what other
    // processes compute from the owner's mtime.
    const started = Date.now();
    try {
      await fs.mkdir(folder.at(draft));
    } catch (error) {
      if (isCode(error, 'ENOENT')) return 'gone';
      throw error;
    }
    const entry = await this.paths.child(folder, draft);
    let published = false;
    try {
      if (!entry) return undefined; // removed or replaced by another process since made
      await makeOwner(entry.at(ownerName(token, ttlMs)));
      for (let attempt = 0; attempt < 4; attempt++) {
        try {
          await fs.rename(folder.at(draft), folder.at(name));
          published = true;
          // A descriptor follows the rename; a folder known by its path (no /proc) is found again.
          const held = entry.byDescriptor ? entry : await this.paths.child(folder, name);
          if (!held) return undefined;
          return new LocalLock(path, token, place, name, held, ttlMs, started + ttlMs, this.paths);
        } catch (error) {
          if (isCode(error, 'ENOENT')) return 'gone';
          if (!isCode(error, 'ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EISDIR')) throw error;
        }
        if (!(await this.breakIfStale(folder, name))) return undefined;
      }
      return undefined;
    } finally {
      if (!published) {
        if (entry) await removeInside(entry, ownerName(token, ttlMs)).catch(() => undefined);
        await fs.rmdir(folder.at(draft)).catch(() => undefined);
        letGo(entry);
      }
    }
  }

  /**
   * Removes the entry `name` of `folder` when its lease has expired; true when the caller should
   * try to make it again. The holder is fenced first: its temp file and what it moved into its
   * entry are removed, then its owner, then the entry if empty.
   */
  private async breakIfStale(folder: HeldFolder, name: string): Promise<boolean> {
    const stat = await fs.lstat(folder.at(name)).catch(missing);
    if (!stat) return true;
    if (!stat.isDirectory()) {
      // Not one of ours (foreign, damaged, a FIFO): held for UNREADABLE_TTL_MS, never opened.
      if (!isStale(stat.mtimeMs, UNREADABLE_TTL_MS)) return false;
      await fs.unlink(folder.at(name)).catch((error) => {
        if (!isCode(error, 'ENOENT', 'EISDIR')) throw error;
      });
      return true;
    }
    const entry = await this.paths.child(folder, name);
    if (!entry) return true;
    try {
      const names = await fs.readdir(entry.self);
      const owners = names.map(parseOwner).filter((o) => o !== undefined);
      for (const owner of owners) {
        const seen = await fs.lstat(entry.at(ownerName(owner.token, owner.ttlMs))).catch(missing);
        if (!seen) return true; // released meanwhile: look again
        if (!isStale(seen.mtimeMs, owner.ttlMs)) return false;
      }
      if (owners.length === 0) {
        const seen = await fs.stat(entry.self).catch(missing);
        if (seen && !isStale(seen.mtimeMs, UNREADABLE_TTL_MS)) return false;
      }
      await Promise.all(owners.map((o) => unlinkIfPresent(folder.at(tempFor(o.token)))));
      for (const inside of names) await removeInside(entry, inside);
      try {
        await fs.rmdir(folder.at(name));
      } catch (error) {
        // Something got in meanwhile (a holder's late owner, a foreign file): not now.
        if (isCode(error, 'ENOTEMPTY', 'EEXIST')) return false;
        if (!isCode(error, 'ENOENT')) throw error;
      }
      return true;
    } finally {
      letGo(entry);
    }
  }
}

function isStale(mtimeMs: number, ttlMs: number, now = Date.now()): boolean {
  return mtimeMs + (Number(ttlMs) || UNREADABLE_TTL_MS) + BREAK_GRACE_MS < now;
}

/**
 * The owner: a symlink (pointing nowhere), which lives in its inode and needs no block; a folder
 * where the disk refuses symlinks (Windows without the privilege).
 */
async function makeOwner(path: string): Promise<void> {
  try {
    await fs.symlink('aiofs-owner', path);
  } catch (error) {
    if (!isCode(error, 'EPERM', 'ENOSYS', 'ENOTSUP', 'EOPNOTSUPP')) throw error;
    await fs.mkdir(path);
  }
}

/** Removes `name` from the held entry: the owner, or a file a holder moved in. */
async function removeInside(entry: HeldFolder, name: string): Promise<void> {
  try {
    await fs.unlink(entry.at(name));
  } catch (error) {
    if (isCode(error, 'ENOENT')) return;
    if (!isCode(error, 'EISDIR', 'EPERM')) throw error;
    await fs.rmdir(entry.at(name)).catch((again) => {
      if (!isCode(again, 'ENOENT')) throw again;
    });
  }
}

async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await fs.unlink(file);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
}

function missing(error: unknown): undefined {
  if (isCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
  throw error;
}

export class LocalLock implements DriverLock {
  /** Remove the empty folders on the way once released (the lock made them, or its file went). */
  tidy: boolean;
  private released = false;
  /** Names this holder put inside its entry, removed with it. */
  private readonly inside = new Set<string>();

  constructor(
    readonly path: string,
    readonly token: string,
    /** Where the file is: its folder, held until the lock is released. */
    readonly place: Place & { created: boolean },
    private readonly entryName: string,
    /** The lock's own entry, held: what is made in it can only land while the lock holds. */
    readonly entry: HeldFolder,
    private readonly ttlMs: number,
    /** When the lease runs out by this holder's own account (renewals move it). */
    private expiresAt: number,
    private readonly paths: LocalPaths,
  ) {
    this.tidy = place.created;
  }

  /** The name of this holder's temp file beside the file (see `tempFor`). */
  get temp(): string {
    return tempFor(this.token);
  }

  /**
   * Whether the lease still holds. Before `expiresAt` nobody can have broken it (breaking needs
   * the expiry plus a grace on the same clock), so the disk is read only near it, and the clock
   * is read again once that look is back; past it the lease is over even if nobody broke the
   * entry yet.
   */
  async held(): Promise<boolean> {
    if (Date.now() < this.expiresAt - TRUST_MARGIN_MS) return true;
    if (Date.now() >= this.expiresAt) return false;
    return (await this.ours()) && Date.now() < this.expiresAt;
  }

  async renew(): Promise<boolean> {
    const started = Date.now();
    if (started >= this.expiresAt || this.released) return false;
    const touched = new Date(started);
    try {
      // The owner itself, not what a symlink owner points to (nothing).
      await fs.lutimes(this.ownerPath(), touched, touched);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return false;
      throw error;
    }
    // The owner is in this holder's own entry: touching it worked, so it was ours then.
    this.expiresAt = started + this.ttlMs;
    return true;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.expiresAt = 0;
    try {
      // Whenever these land, they remove only what is this holder's, then an empty entry.
      for (const name of this.inside) await removeInside(this.entry, name).catch(() => undefined);
      await removeInside(this.entry, ownerName(this.token, this.ttlMs)).catch(() => undefined);
      await fs.rmdir(this.place.folder.at(this.entryName)).catch(() => undefined);
      if (this.tidy) await this.paths.removeEmptyFolders(this.place.folder.segments);
    } finally {
      letGo(this.entry);
      letGo(this.place.folder);
    }
  }

  /**
   * A path for `name` inside this holder's own entry: a file renamed or linked there lands only
   * while the entry stands, that is while nobody has broken the lock (a removed folder takes no
   * new names), and whoever breaks it removes what is there.
   */
  inEntry(name: string): string {
    this.inside.add(name);
    return this.entry.at(name);
  }

  /** Whether this holder's owner is still in its entry (so nobody broke it). */
  async ours(): Promise<boolean> {
    if (this.released) return false;
    return fs.lstat(this.ownerPath()).then(
      () => true,
      (error) => {
        if (isCode(error, 'ENOENT')) return false;
        throw error;
      },
    );
  }

  private ownerPath(): string {
    return this.entry.at(ownerName(this.token, this.ttlMs));
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

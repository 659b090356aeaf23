import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import type { DriverLock } from '../../core';
import { isCode, type LocalPaths } from './local-paths';

/**
 * Extra time before a lock entry whose expiry has passed may be broken by another process.
 * It also covers the instant between creating an entry and stamping its expiry.
 */
const BREAK_GRACE_MS = 500;

/**
 * Cross-process locks as files under `<root>/.aiofs/locks`: created exclusively (O_EXCL),
 * holding the owner's token, with the lease's expiry as the file's mtime. The holder renews by
 * moving the mtime forward; a lock whose expiry has passed is stale and broken by the next writer.
 * Ownership is the entry's inode: a holder whose entry was broken and replaced sees another inode.
 */
export class LocalLocks {
  constructor(private readonly paths: LocalPaths) {}

  async acquire(path: string, ttlMs: number): Promise<DriverLock | undefined> {
    const file = this.paths.internal(
      'locks',
      `${createHash('sha256').update(path).digest('hex')}.lock`,
    );
    const token = randomBytes(16).toString('hex');
    for (let attempt = 0; attempt < 3; attempt++) {
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(file, 'wx');
      } catch (error) {
        if (!isCode(error, 'EEXIST')) throw error;
        if (await this.breakIfStale(file)) continue;
        return undefined;
      }
      let ino: number;
      try {
        await handle.writeFile(JSON.stringify({ path, token, pid: process.pid, host: hostname() }));
        const expiry = (Date.now() + ttlMs) / 1000;
        await handle.utimes(expiry, expiry);
        ino = (await handle.stat()).ino;
      } finally {
        await handle.close();
      }
      return new LocalLock(path, token, file, ino, ttlMs);
    }
    return undefined;
  }

  /** Removes `file` if its lease has expired; true when the caller should try again. */
  private async breakIfStale(file: string): Promise<boolean> {
    let seen;
    try {
      seen = await fs.stat(file);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return true;
      throw error;
    }
    if (seen.mtimeMs + BREAK_GRACE_MS > Date.now()) return false;
    // Rename first: of several processes breaking the same entry, exactly one wins the rename.
    const aside = `${file}.stale-${randomBytes(8).toString('hex')}`;
    try {
      await fs.rename(file, aside);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return true;
      throw error;
    }
    const moved = await fs.stat(aside);
    if (moved.ino !== seen.ino) {
      // Someone broke it and took a fresh lock in between: put theirs back.
      await fs.link(aside, file).catch(() => undefined);
      await fs.unlink(aside).catch(() => undefined);
      return false;
    }
    await fs.unlink(aside).catch(() => undefined);
    return true;
  }
}

class LocalLock implements DriverLock {
  constructor(
    readonly path: string,
    readonly token: string,
    private readonly file: string,
    private readonly ino: number,
    private readonly ttlMs: number,
  ) {}

  /** Whether the entry is still ours and unexpired. */
  async held(): Promise<boolean> {
    try {
      const stat = await fs.stat(this.file);
      return stat.ino === this.ino && stat.mtimeMs > Date.now();
    } catch (error) {
      if (isCode(error, 'ENOENT')) return false;
      throw error;
    }
  }

  async renew(): Promise<boolean> {
    if (!(await this.held())) return false;
    const expiry = (Date.now() + this.ttlMs) / 1000;
    await fs.utimes(this.file, expiry, expiry);
    return true;
  }

  async release(): Promise<void> {
    try {
      if ((await fs.stat(this.file)).ino === this.ino) await fs.unlink(this.file);
    } catch (error) {
      if (!isCode(error, 'ENOENT')) throw error;
    }
  }
}

export function isLocalLock(lock: DriverLock): lock is DriverLock & { held(): Promise<boolean> } {
  return lock instanceof LocalLock;
}

import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import type { DriverLock } from '../../core';
import { isCode, type LocalPaths } from './local-paths';

/**
 * Extra time after a lease's expiry before another process may break its entry. It also covers
 * the instant between creating an entry and writing its content.
 */
const BREAK_GRACE_MS = 500;

interface EntryContent {
  path: string;
  token: string;
  ttlMs: number;
  pid: number;
  host: string;
}

/**
 * Cross-process locks as files under `<root>/.aiofs/locks`: created exclusively (O_EXCL), holding
 * the owner's token and lease TTL; the file's mtime is the last renewal. An entry not renewed
 * for its TTL (plus a grace) is stale and broken by the next writer. Ownership is the entry's
 * inode: a holder whose entry was broken and replaced sees another inode.
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
      const started = Date.now();
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
        const content: EntryContent = { path, token, ttlMs, pid: process.pid, host: hostname() };
        await handle.write(JSON.stringify(content));
        ino = (await handle.stat()).ino;
      } finally {
        await handle.close();
      }
      return new LocalLock(path, token, file, ino, ttlMs, started + ttlMs);
    }
    return undefined;
  }

  /** Removes `file` if its lease has expired; true when the caller should try again. */
  private async breakIfStale(file: string): Promise<boolean> {
    let seen;
    let ttlMs = 0;
    try {
      seen = await fs.stat(file);
      ttlMs = (JSON.parse(await fs.readFile(file, 'utf8')) as EntryContent).ttlMs || 0;
    } catch (error) {
      if (isCode(error, 'ENOENT')) return true;
      if (!(error instanceof SyntaxError)) throw error;
      // content not written yet (or torn by a crash): the grace decides
    }
    if (!seen || seen.mtimeMs + ttlMs + BREAK_GRACE_MS > Date.now()) return false;
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

/** Margin under which a holder stops trusting its own clock and checks the entry on disk. */
const TRUST_MARGIN_MS = 1000;

class LocalLock implements DriverLock {
  constructor(
    readonly path: string,
    readonly token: string,
    private readonly file: string,
    private readonly ino: number,
    private readonly ttlMs: number,
    /** When the lease runs out by this holder's own account (renewals move it). */
    private expiresAt: number,
  ) {}

  /**
   * Whether the entry is still ours. Before `expiresAt` nobody can have broken it (breaking needs
   * the expiry plus a grace on the same clock), so the disk is checked only near or past it.
   */
  async held(): Promise<boolean> {
    if (Date.now() < this.expiresAt - TRUST_MARGIN_MS) return true;
    if (Date.now() >= this.expiresAt) return false;
    return this.onDisk();
  }

  async renew(): Promise<boolean> {
    const started = Date.now();
    if (started >= this.expiresAt || !(await this.onDisk())) return false;
    const now = new Date();
    await fs.utimes(this.file, now, now);
    this.expiresAt = started + this.ttlMs;
    return true;
  }

  async release(): Promise<void> {
    try {
      if (Date.now() < this.expiresAt - TRUST_MARGIN_MS || (await this.onDisk()))
        await fs.unlink(this.file);
    } catch (error) {
      if (!isCode(error, 'ENOENT')) throw error;
    }
    this.expiresAt = 0;
  }

  private async onDisk(): Promise<boolean> {
    try {
      return (await fs.stat(this.file)).ino === this.ino;
    } catch (error) {
      if (isCode(error, 'ENOENT')) return false;
      throw error;
    }
  }
}

export function isLocalLock(lock: DriverLock): lock is DriverLock & { held(): Promise<boolean> } {
  return lock instanceof LocalLock;
}

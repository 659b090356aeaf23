import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import type { DriverLock } from '../../core';
import { isCode, type LocalPaths } from './local-paths';

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

interface EntryContent {
  path: string;
  token: string;
  ttlMs: number;
  pid: number;
  host: string;
}

/**
 * Cross-process locks as files under `<root>/.aiofs/locks`, one per canonical path.
 *
 * - An entry is created exclusively (O_EXCL) with the owner token and lease TTL.
 * - Its mtime is the last renewal; ownership is the token inside, never the inode (inodes are
 *   reused).
 * - Breaking a stale entry, and a holder's release of an old lease, happen under an exclusive
 *   `<entry>.break` marker after re-reading the entry, so no process removes an entry that was
 *   replaced after it looked. A young lease is released by a plain unlink: nobody can break it.
 * - Time is compared on one clock: the processes sharing a root must share a machine (or keep
 *   their clocks in step within the grace).
 */
export class LocalLocks {
  constructor(private readonly paths: LocalPaths) {}

  async acquire(path: string, ttlMs: number): Promise<DriverLock | undefined> {
    const key = await this.paths.canonical(path);
    const name = createHash('sha256').update(key).digest('hex');
    const entry = this.paths.internal('locks', `${name}.lock`);
    const token = randomBytes(16).toString('hex');
    // Taken before the content is written, so that this holder's expiry is never later than what
    // other processes compute from the entry's mtime.
    const started = Date.now();
    const content = JSON.stringify({ path: key, token, ttlMs, pid: process.pid, host: hostname() });
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await createEntry(entry, content))
        return new LocalLock(path, token, entry, ttlMs, started + ttlMs);
      if (!(await breakIfStale(entry))) return undefined;
    }
    return undefined;
  }
}

/**
 * Creates `entry` with `content` unless it exists; false when it exists. Between the exclusive
 * create and the write, other processes read an unreadable entry, which they take for a live one
 * (UNREADABLE_TTL_MS), never for a stale one.
 */
async function createEntry(entry: string, content: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(entry, 'wx');
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
    await handle.close();
    return true;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlinkIfPresent(entry).catch(() => undefined);
    throw error;
  }
}

/** What the entry holds now: undefined when it is gone. */
async function readEntry(
  entry: string,
): Promise<{ mtimeMs: number; content?: EntryContent } | undefined> {
  try {
    const [stat, text] = await Promise.all([fs.stat(entry), fs.readFile(entry, 'utf8')]);
    try {
      return { mtimeMs: stat.mtimeMs, content: JSON.parse(text) as EntryContent };
    } catch {
      return { mtimeMs: stat.mtimeMs };
    }
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function isStale(seen: { mtimeMs: number; content?: EntryContent }, now = Date.now()): boolean {
  const ttlMs = Number(seen.content?.ttlMs) || UNREADABLE_TTL_MS;
  return seen.mtimeMs + ttlMs + BREAK_GRACE_MS < now;
}

/** Removes `entry` when its lease has expired; true when the caller should try to take it again. */
async function breakIfStale(entry: string): Promise<boolean> {
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

class LocalLock implements DriverLock {
  constructor(
    readonly path: string,
    readonly token: string,
    private readonly entry: string,
    private readonly ttlMs: number,
    /** When the lease runs out by this holder's own account (renewals move it). */
    private expiresAt: number,
  ) {}

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
      await fs.utimes(this.entry, touched, touched);
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
    const expiresAt = this.expiresAt;
    this.expiresAt = 0;
    // A young lease cannot have been broken (that needs its expiry plus a grace, on the same
    // clock), and half a lease is far more than an unlink takes: remove it directly.
    if (Date.now() < expiresAt - this.ttlMs / 2) {
      await unlinkIfPresent(this.entry);
      return;
    }
    // An old one may have been broken and replaced: remove it only if it is still ours, under
    // the marker. A busy marker means another process is looking at the entry (or breaking it):
    // retry shortly, then leave the entry to expire.
    for (let attempt = 0; attempt < 20; attempt++) {
      const done = await underMarker(this.entry, async () => {
        if (await this.ours()) await unlinkIfPresent(this.entry);
        return true;
      });
      if (done) return;
      await new Promise((resolve) => setTimeout(resolve, 5 + attempt * 5));
    }
  }

  private async ours(): Promise<boolean> {
    const seen = await readEntry(this.entry);
    return seen?.content?.token === this.token;
  }
}

export function isLocalLock(lock: DriverLock): lock is DriverLock & { held(): Promise<boolean> } {
  return lock instanceof LocalLock;
}

import { randomBytes } from 'node:crypto';
import type { DriverLock } from '../core';

/**
 * Leases held in this process only, with the same rules as elsewhere: the memory backend's locks,
 * and s3's with `unsafeNoLocks: true` (a store that ignores conditional writes). Other processes
 * do not see them.
 */
export class ProcessLocks {
  private readonly held = new Map<string, { token: string; expiresAt: number }>();

  acquire(path: string, ttlMs: number): DriverLock | undefined {
    const current = this.held.get(path);
    if (current && current.expiresAt > Date.now()) return undefined;
    const token = randomBytes(16).toString('hex');
    this.held.set(path, { token, expiresAt: Date.now() + ttlMs });
    return {
      path,
      token,
      renew: async () => {
        const entry = this.held.get(path);
        if (entry?.token !== token || entry.expiresAt <= Date.now()) return false;
        entry.expiresAt = Date.now() + ttlMs;
        return true;
      },
      release: async () => {
        if (this.held.get(path)?.token === token) this.held.delete(path);
      },
    };
  }

  /** Whether `lock` is still the unexpired holder of its path. */
  holds(lock: DriverLock): boolean {
    const held = this.held.get(lock.path);
    return held?.token === lock.token && held.expiresAt > Date.now();
  }
}

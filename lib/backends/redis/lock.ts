import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DriverLock } from '../../core';
import { orphanTtlMs } from './limits';
import { foreignKeyError } from './redis-errors';
import { ACQUIRE_LOCK, RELEASE_LOCK, RENEW_LOCK } from './scripts';

/** A random, unguessable token. */
export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * A lease on a path whose key is a string or nothing (acquire throws FileExistsError for another
 * kind, which aiofs leaves alone): its lock key set to our token with a TTL, when neither it nor its 0.1 name
 * (`legacyKey`, held too) is set; renewed and released by Lua scripts that act only while the
 * key still holds our token. Keys attached to it (a draft's temp key) are kept alive by the same
 * renewal.
 */
export class RedisLock implements DriverLock {
  private readonly attached = new Set<string>();
  private done = false;

  private constructor(
    private readonly client: Redis,
    readonly path: string,
    readonly key: string,
    readonly legacyKey: string,
    readonly token: string,
    readonly ttlMs: number,
  ) {}

  static async acquire(
    client: Redis,
    path: string,
    keys: { lock: string; legacyLock: string; data: string },
    ttlMs: number,
  ): Promise<RedisLock | undefined> {
    const token = newToken();
    const reply = await ACQUIRE_LOCK.run(
      client,
      [keys.lock, keys.legacyLock, keys.data],
      [token, ttlMs],
    );
    // The type of a key that is not a file: no lock on it, as nothing may write it.
    if (typeof reply === 'string') throw foreignKeyError(path, reply);
    return reply === 1
      ? new RedisLock(client, path, keys.lock, keys.legacyLock, token, ttlMs)
      : undefined;
  }

  attach(key: string): void {
    this.attached.add(key);
  }

  detach(key: string): void {
    this.attached.delete(key);
  }

  async renew(): Promise<boolean> {
    if (this.done) return false;
    const reply = await RENEW_LOCK.run(
      this.client,
      [this.key, this.legacyKey, ...this.attached],
      [this.token, this.ttlMs, orphanTtlMs(this.ttlMs)],
    );
    return reply === 1;
  }

  async release(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await RELEASE_LOCK.run(this.client, [this.key, this.legacyKey], [this.token]);
  }

  /** The commit that released the lock in the same script: nothing is left to release. */
  releasedByCommit(): void {
    this.done = true;
  }
}

export function asRedisLock(lock: DriverLock): RedisLock {
  if (!(lock instanceof RedisLock)) throw new TypeError('not a lock of the Redis backend');
  return lock;
}

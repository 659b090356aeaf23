import { randomBytes } from 'node:crypto';
import type { DriverLock } from '../../core';
import { isConditionFailed, isNotFoundError, type S3Api } from './s3-api';

const TTL_KEY = 'aiofs-ttl-ms';
/** HTTP dates have whole seconds: a lock counts as expired one second later than its TTL says. */
const CLOCK_GRAIN_MS = 1000;
const MAX_OBSERVED = 10_000;

/**
 * Locks as lock objects (DESIGN §5): created with `If-None-Match: *`, renewed and released with
 * `If-Match` on the ETag of our last write. Every write holds a fresh random nonce, so each ETag is
 * new and a stale holder's `If-Match` can never succeed. A lock is expired once its age passes its
 * TTL: its age is at least what the server's own clock says (its `Date` against the object's
 * `Last-Modified`, less a second for their whole-second grain), and at least how long this process
 * has seen the same ETag (the holder renews, and so changes it, every third of its TTL).
 */
export class S3Locks {
  /** The ETag of each lock object seen held, and when (this process's monotonic clock). */
  private readonly observed = new Map<string, { etag: string; since: number }>();

  constructor(
    private readonly api: S3Api,
    /** Also whether the store refuses a conditional delete (probed at start). */
    private readonly conditionalDelete: boolean,
  ) {}

  async acquire(path: string, key: string, ttlMs: number): Promise<S3Lock | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const token = randomBytes(16).toString('hex');
      try {
        const etag = await this.api.put(key, body(token), { ifNoneMatch: '*' }, meta(ttlMs));
        this.observed.delete(key);
        return new S3Lock(path, key, token, etag, ttlMs, this.api, this.conditionalDelete);
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
      const held = await this.api.head(key);
      if (!held) continue; // released meanwhile: try again
      if (!this.expired(key, held)) return undefined;
      // Take over the expired lock, unless someone renewed or took it since our HEAD.
      try {
        const etag = await this.api.put(key, body(token), { ifMatch: held.etag }, meta(ttlMs));
        this.observed.delete(key);
        return new S3Lock(path, key, token, etag, ttlMs, this.api, this.conditionalDelete);
      } catch (error) {
        if (isConditionFailed(error) || isNotFoundError(error)) return undefined;
        throw error;
      }
    }
    return undefined;
  }

  private expired(
    key: string,
    held: { etag: string; modifiedAt?: Date; serverDate?: Date; metadata: Record<string, string> },
  ): boolean {
    const ttl = Number(held.metadata[TTL_KEY]);
    if (!Number.isSafeInteger(ttl) || ttl <= 0) return true; // not a lock object of ours
    // The least the lock's age can be by the server's clock (whole seconds on both ends).
    const serverAge =
      held.serverDate && held.modifiedAt
        ? Math.max(0, held.serverDate.getTime() - held.modifiedAt.getTime() - CLOCK_GRAIN_MS)
        : 0;
    const now = performance.now();
    const seen = this.observed.get(key);
    let since = now - serverAge;
    if (seen?.etag === held.etag) since = Math.min(since, seen.since);
    else if (this.observed.size >= MAX_OBSERVED) this.observed.clear();
    this.observed.set(key, { etag: held.etag, since });
    return now - since >= ttl;
  }
}

export class S3Lock implements DriverLock {
  private nonce = 0;
  /** The renewal in flight: a release waits for it, or it would delete with a stale ETag. */
  private renewing?: Promise<boolean>;
  private released = false;

  constructor(
    readonly path: string,
    readonly key: string,
    readonly token: string,
    private etag: string,
    private readonly ttlMs: number,
    private readonly api: S3Api,
    private readonly conditionalDelete: boolean,
  ) {}

  renew(): Promise<boolean> {
    if (this.released) return Promise.resolve(false);
    const renewal = (this.renewing ?? Promise.resolve(true)).then(() => this.renewOnce());
    this.renewing = renewal.catch(() => false);
    return renewal;
  }

  private async renewOnce(): Promise<boolean> {
    if (this.released) return false;
    try {
      this.etag = await this.api.put(
        this.key,
        body(this.token, ++this.nonce),
        { ifMatch: this.etag },
        meta(this.ttlMs),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error) || isNotFoundError(error)) return false;
      throw error;
    }
  }

  async release(): Promise<void> {
    this.released = true;
    await this.renewing;
    try {
      if (!this.conditionalDelete) {
        // The store ignores If-Match on DELETE: compare first (a short race remains; see docs/s3.md).
        const held = await this.api.head(this.key);
        if (!held || held.etag !== this.etag) return;
      }
      await this.api.delete(this.key, this.etag);
    } catch (error) {
      // Lost already (expired and taken, or gone): nothing of ours to release.
      if (isConditionFailed(error) || isNotFoundError(error)) return;
      throw error;
    }
  }
}

function body(token: string, nonce = 0): string {
  return JSON.stringify({ token, nonce, at: randomBytes(6).toString('hex') });
}

function meta(ttlMs: number): { metadata: Record<string, string> } {
  return { metadata: { [TTL_KEY]: String(ttlMs) } };
}

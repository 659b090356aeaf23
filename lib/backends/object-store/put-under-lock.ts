import { lockLostError, type DriverLock } from '../../core';
import { whileHeld } from './keep-alive';

/** A write's condition on the version seen under the lock: still that ETag, or still no object. */
export type VersionCondition = { ifMatch: string } | { ifNoneMatch: '*' };

/** One object of a store, as `putUnderLock` writes it. */
export interface WholePut {
  /** The ETag of the object's current version; undefined when there is none. */
  currentEtag(): Promise<string | undefined>;
  /** Writes the data in memory on `condition`; stops sending once `signal` aborts. */
  put(condition: VersionCondition, signal: AbortSignal): Promise<unknown>;
  isConditionFailed(error: unknown): boolean;
}

/**
 * `writeFile`'s fast path: under `lock` (renewed meanwhile; a refused renewal means another writer
 * may hold the path now, so the write stops sending at once), one write of the data already in
 * memory, conditioned on the version seen under the lock. The lock is released when done.
 */
export function putUnderLock(
  lock: DriverLock,
  ttlMs: number,
  exclusive: boolean,
  target: WholePut,
): Promise<'written' | 'exists'> {
  return whileHeld(lock, ttlMs, async (signal) => {
    const etag = await target.currentEtag();
    if (exclusive && etag) return 'exists';
    if (signal.aborted) throw lockLostError(lock.path);
    try {
      await target.put(etag ? { ifMatch: etag } : { ifNoneMatch: '*' }, signal);
    } catch (error) {
      // Another client wrote the object while we held its lock.
      if (target.isConditionFailed(error)) throw lockLostError(lock.path);
      throw error;
    }
    return 'written';
  });
}

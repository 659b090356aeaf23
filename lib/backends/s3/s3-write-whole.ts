import type { DriverLock } from '../../core';
import { putUnderLock } from '../object-store/put-under-lock';
import { isConditionFailed, type S3Api } from './s3-api';
import { PART_BYTES } from './s3-parts';

/** Largest `writeFile` sent in one PutObject; larger data goes through a draft's parts. */
export const SINGLE_PUT_BYTES = 64 * PART_BYTES;

/**
 * `writeFile`'s fast path: under the path's lock (renewed meanwhile), one PutObject of the data
 * already in memory, conditioned on the version seen under the lock (not with unsafeNoLocks).
 */
export function writeWhole(
  api: S3Api,
  key: string,
  lock: DriverLock,
  data: Buffer,
  exclusive: boolean,
  ttlMs: number,
  fenced: boolean,
): Promise<'written' | 'exists'> {
  return putUnderLock(lock, ttlMs, exclusive, {
    currentEtag: async () => (await api.head(key))?.etag,
    put: (condition, signal) => api.put(key, data, fenced ? condition : undefined, { signal }),
    isConditionFailed,
  });
}

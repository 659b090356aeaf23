import { lockLostError, type DriverLock } from '../../core';
import { whileHeld } from '../object-store/keep-alive';
import { isConditionFailed, type S3Api } from './s3-api';
import { PART_BYTES } from './s3-parts';

/** Largest `writeFile` sent in one PutObject; larger data goes through a draft's parts. */
export const SINGLE_PUT_BYTES = 64 * PART_BYTES;

/**
 * `writeFile`'s fast path: under the path's lock (renewed meanwhile), one PutObject of the data
 * already in memory, conditioned on the version seen under the lock.
 */
export async function writeWhole(
  api: S3Api,
  key: string,
  lock: DriverLock,
  data: Buffer,
  exclusive: boolean,
  ttlMs: number,
  fenced: boolean,
): Promise<'written' | 'exists'> {
  return whileHeld(lock, ttlMs, async (signal) => {
    const head = await api.head(key);
    if (exclusive && head) return 'exists';
    if (signal.aborted) throw lockLostError(lock.path);
    try {
      await api.put(
        key,
        data,
        !fenced ? undefined : head ? { ifMatch: head.etag } : { ifNoneMatch: '*' },
        { signal },
      );
    } catch (error) {
      // Another client wrote the object while we held its lock.
      if (isConditionFailed(error)) throw lockLostError(lock.path);
      throw error;
    }
    return 'written';
  });
}

import type { ContainerClient } from '@azure/storage-blob';
import { lockLostError } from '../../core';
import { isConditionFailed, isNotFound } from './azure-errors';
import { whileHeld } from '../object-store/keep-alive';
import { acquireLock } from './azure-lock';
import { BLOCK_BYTES, STAGE_CONCURRENCY } from './blocks';

const MiB = 1024 * 1024;

/** Largest `writeFile` sent in one Put Blob (the SDK's `uploadData` does the same). */
export const SINGLE_PUT_BYTES = 256 * MiB;

/**
 * `writeFile`'s fast path: under the path's lease (renewed meanwhile), one Put Blob of the data
 * already in memory, conditioned on the version seen under the lease. Larger data goes in staged
 * blocks and one commit.
 */
export async function writeWhole(
  container: ContainerClient,
  path: string,
  data: Buffer,
  exclusive: boolean,
  ttlMs: number,
): Promise<'written' | 'locked' | 'exists'> {
  const lock = await acquireLock(container, path, ttlMs);
  if (!lock) return 'locked';
  // A refused renewal means another writer may hold the path now: stop sending at once.
  return whileHeld(lock, ttlMs, async (abortSignal) => {
    const blob = container.getBlockBlobClient(path);
    const etag = await blob.getProperties().then(
      (props) => props.etag,
      (error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)),
    );
    if (exclusive && etag) return 'exists';
    const conditions = etag ? { ifMatch: etag } : { ifNoneMatch: '*' };
    if (abortSignal.aborted) throw lockLostError(path);
    try {
      if (data.length <= SINGLE_PUT_BYTES) {
        await blob.upload(data, data.length, { conditions, abortSignal });
      } else {
        await blob.uploadData(data, {
          blockSize: BLOCK_BYTES,
          concurrency: STAGE_CONCURRENCY,
          conditions,
          abortSignal,
        });
      }
    } catch (error) {
      // Another client wrote the blob while we held its lease.
      if (isConditionFailed(error)) throw lockLostError(path);
      throw error;
    }
    return 'written';
  });
}

import type { ContainerClient } from '@azure/storage-blob';
import { isConditionFailed, isNotFound } from './azure-errors';
import { putUnderLock } from '../object-store/put-under-lock';
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
  const blob = container.getBlockBlobClient(path);
  return putUnderLock(lock, ttlMs, exclusive, {
    currentEtag: () =>
      blob.getProperties().then(
        (props) => props.etag,
        (error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)),
      ),
    put: async (conditions, abortSignal) => {
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
    },
    isConditionFailed,
  });
}

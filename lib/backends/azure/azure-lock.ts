import { randomUUID } from 'node:crypto';
import type { BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import type { DriverLock } from '../../core';
import { lockObjectName } from '../object-store/names';
import { isConditionFailed, isLeaseConflict, isNotFound } from './azure-errors';

/** Azure leases are whole seconds, 15 to 60. Rounding up keeps the server's lease ≥ the facade's TTL. */
export function leaseSeconds(ttlMs: number): number {
  return Math.min(60, Math.max(15, Math.ceil(ttlMs / 1000)));
}

/**
 * A writer's lock: an empty lock blob per path, created with `If-None-Match: *`, and a lease on
 * it. The lease (not the blob) is the lock, so a crashed holder frees the path when
 * its lease expires. Leasing a hidden blob rather than the file's own blob also protects the
 * creation of a file that does not exist yet, without making it visible. Release deletes the lock
 * blob with the lease id, so the container keeps no bookkeeping for paths nobody writes.
 */
export async function acquireLock(
  container: ContainerClient,
  path: string,
  ttlMs: number,
): Promise<AzureLock | undefined> {
  const blob = container.getBlockBlobClient(lockObjectName(path));
  const seconds = leaseSeconds(ttlMs);
  // A lock blob deleted by its releasing holder between our two calls: create it again.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } });
    } catch (error) {
      if (!isConditionFailed(error) && !isLeaseConflict(error)) throw error;
    }
    const leaseId = randomUUID();
    try {
      await blob.getBlobLeaseClient(leaseId).acquireLease(seconds);
      return new AzureLock(path, blob, leaseId);
    } catch (error) {
      if (isLeaseConflict(error)) return undefined;
      if (!isNotFound(error)) throw error;
    }
  }
  return undefined;
}

export class AzureLock implements DriverLock {
  constructor(
    readonly path: string,
    private readonly blob: BlockBlobClient,
    /** The lease id: a random UUID, known only to this holder. */
    readonly token: string,
  ) {}

  async renew(): Promise<boolean> {
    try {
      await this.blob.getBlobLeaseClient(this.token).renewLease();
      return true;
    } catch (error) {
      if (isLeaseConflict(error) || isNotFound(error)) return false;
      throw error;
    }
  }

  async release(): Promise<void> {
    try {
      await this.blob.delete({ conditions: { leaseId: this.token } });
    } catch (error) {
      // Lost already (expired and taken, or gone): nothing of ours to release.
      if (isLeaseConflict(error) || isNotFound(error) || isConditionFailed(error)) return;
      throw error;
    }
  }
}

export function isAzureLock(lock: DriverLock): lock is AzureLock {
  return lock instanceof AzureLock;
}

import type { BlobClient } from '@azure/storage-blob';
import { isNotFound } from './azure-errors';

/** Removes a blob and its snapshots (those of open readers too); false when it did not exist. */
export async function deleteBlob(blob: BlobClient): Promise<boolean> {
  try {
    await blob.delete({ deleteSnapshots: 'include' });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * Copies `from` over `to` on the server (Copy Blob: no bytes through this process; the committed
 * block list comes along). Within one account the service finishes it at once; a copy it reports
 * as pending is polled until done. False when `from` does not exist.
 */
export async function copyBlob(from: BlobClient, to: BlobClient): Promise<boolean> {
  try {
    const poller = await to.beginCopyFromURL(from.url, { intervalInMs: 250 });
    await poller.pollUntilDone();
    return true;
  } catch (error) {
    if (isNotFound(error) && !(await from.exists())) return false;
    throw error;
  }
}

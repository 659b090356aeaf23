import type { BlobClient } from '@azure/storage-blob';
import type { Reader } from '../../core';
import { openPinnedReader } from '../object-store/pinned-reader';
import { isConditionFailed, isNotFound } from './azure-errors';
import { DOWNLOAD_CHUNK_BYTES, DOWNLOAD_CONCURRENCY, downloadFirst } from './reads';

const MiB = 1024 * 1024;

/** What an `r` handle fetches at open; a blob no larger is read from memory, without a snapshot. */
export const READER_HEAD_BYTES = 1 * MiB;

/**
 * A view of one version of a blob for an `r` handle. A small blob comes whole with the first GET.
 * A larger one gets a blob snapshot taken on the etag of that GET (so it is the same version), read
 * by range and deleted at close: commits by other writers never reach it. A reader that crashes
 * leaves its snapshot, which goes when the blob is removed.
 */
export function openSnapshotReader(blob: BlobClient): Promise<Reader | undefined> {
  return openPinnedReader(
    () => downloadFirst(blob, 0, READER_HEAD_BYTES),
    async (first) => {
      let snapshot: string;
      try {
        snapshot = (await blob.createSnapshot({ conditions: { ifMatch: first.etag } })).snapshot!;
      } catch (error) {
        // A commit landed between the GET and the snapshot: start again on the new version.
        if (isConditionFailed(error) || isNotFound(error)) return undefined;
        throw error;
      }
      const pinned = blob.withSnapshot(snapshot);
      return {
        fill: async (out, position) => {
          await pinned.downloadToBuffer(out, position, out.length, {
            blockSize: DOWNLOAD_CHUNK_BYTES,
            concurrency: DOWNLOAD_CONCURRENCY,
          });
        },
        close: async () => {
          await pinned.delete().catch((error: unknown) => {
            if (!isNotFound(error)) throw error;
          });
        },
      };
    },
  );
}

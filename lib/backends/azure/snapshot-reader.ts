import type { BlobClient } from '@azure/storage-blob';
import type { Reader } from '../../core';
import { isConditionFailed, isNotFound } from './azure-errors';
import {
  DOWNLOAD_CHUNK_BYTES,
  DOWNLOAD_CONCURRENCY,
  downloadFirst,
  type FirstChunk,
} from './reads';

const MiB = 1024 * 1024;

/** What an `r` handle fetches at open; a blob no larger is read from memory, without a snapshot. */
export const READER_HEAD_BYTES = 1 * MiB;

/**
 * A view of one version of a blob for an `r` handle. A small blob comes whole with the first GET.
 * A larger one gets a blob snapshot taken on the etag of that GET (so it is the same version), read
 * by range and deleted at close: commits by other writers never reach it. A reader that crashes
 * leaves its snapshot, which goes when the blob is removed.
 */
export async function openSnapshotReader(blob: BlobClient): Promise<Reader | undefined> {
  for (let attempt = 0; ; attempt++) {
    const first = await downloadFirst(blob, 0, READER_HEAD_BYTES);
    if (!first) return undefined;
    const head = first.data;
    if (first.size <= head.length) return memoryReader(head, first);
    let snapshot: string;
    try {
      snapshot = (await blob.createSnapshot({ conditions: { ifMatch: first.etag } })).snapshot!;
    } catch (error) {
      // A commit landed between the GET and the snapshot: start again on the new version.
      if ((isConditionFailed(error) || isNotFound(error)) && attempt < 5) continue;
      throw error;
    }
    return snapshotReader(blob.withSnapshot(snapshot), head, first);
  }
}

/** The validators of the version `first` came from: the snapshot is taken on its etag. */
function versionOf(first: FirstChunk): Pick<Reader, 'etag' | 'modifiedAt'> {
  return { etag: first.etag, modifiedAt: first.modifiedAt };
}

function memoryReader(data: Buffer, first: FirstChunk): Reader {
  return {
    ...versionOf(first),
    size: data.length,
    read: async (position, length) => Buffer.from(data.subarray(position, position + length)),
    close: async () => undefined,
  };
}

function snapshotReader(snapshot: BlobClient, head: Buffer, first: FirstChunk): Reader {
  const { size } = first;
  let closed = false;
  return {
    ...versionOf(first),
    size,
    read: async (position, length) => {
      const end = Math.min(size, position + length);
      if (end <= head.length) return Buffer.from(head.subarray(position, end));
      const out = Buffer.allocUnsafe(end - position);
      const fromHead = Math.max(0, head.length - position);
      if (fromHead > 0) head.copy(out, 0, position, head.length);
      await snapshot.downloadToBuffer(
        out.subarray(fromHead),
        position + fromHead,
        end - position - fromHead,
        {
          blockSize: DOWNLOAD_CHUNK_BYTES,
          concurrency: DOWNLOAD_CONCURRENCY,
        },
      );
      return out;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await snapshot.delete().catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    },
  };
}

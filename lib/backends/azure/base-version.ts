import type { BlockBlobClient } from '@azure/storage-blob';
import { lockLostError } from '../../core';
import { isConditionFailed, isNotFound } from './azure-errors';
import type { PlacedBlock } from './blocks';
import { DOWNLOAD_CONCURRENCY, DOWNLOAD_CHUNK_BYTES } from './reads';

/** The committed version a draft starts from (and must still find at commit). */
export interface BaseVersion {
  /** undefined when the blob did not exist. */
  etag?: string;
  size: number;
  /** Its committed blocks in order; empty for a blob uploaded in one Put Blob. */
  blocks: PlacedBlock[];
}

/**
 * The version of `blob` under our lock: its etag (the commit is conditioned on it) and, for a
 * draft that keeps the content, its committed block list. Properties come first: a blob that only
 * has uncommitted blocks does not exist, though it has a (empty) block list.
 */
export async function loadBase(blob: BlockBlobClient, withBlocks: boolean): Promise<BaseVersion> {
  for (let attempt = 0; ; attempt++) {
    let etag: string;
    let size: number;
    try {
      const props = await blob.getProperties();
      etag = props.etag!;
      size = props.contentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return { size: 0, blocks: [] };
      throw error;
    }
    if (!withBlocks || size === 0) return { etag, size, blocks: [] };
    const list = await blob.getBlockList('committed');
    if (list.etag !== etag && attempt < 3) continue;
    const blocks: PlacedBlock[] = [];
    let at = 0;
    for (const block of list.committedBlocks ?? []) {
      blocks.push({ id: block.name, start: at, end: at + block.size });
      at += block.size;
    }
    return { etag, size, blocks: at === size ? blocks : [] };
  }
}

/** Reads `[position, position + out.length)` of the base version into `out`. */
export async function readBase(
  blob: BlockBlobClient,
  base: BaseVersion,
  position: number,
  out: Buffer,
  path: string,
): Promise<void> {
  if (out.length === 0) return;
  try {
    await blob.downloadToBuffer(out, position, out.length, {
      conditions: { ifMatch: base.etag },
      blockSize: DOWNLOAD_CHUNK_BYTES,
      concurrency: DOWNLOAD_CONCURRENCY,
    });
  } catch (error) {
    // Changed under our lock: someone took it over.
    if (isConditionFailed(error) || isNotFound(error)) throw lockLostError(path);
    throw error;
  }
}

import { randomBytes } from 'node:crypto';
import type { BlockBlobClient } from '@azure/storage-blob';
import type { BufferPool } from '../object-store/buffer-pool';
import { Uploads } from '../object-store/uploads';

const MiB = 1024 * 1024;

/** Size of a staged block: memory per upload in flight, and the unit of re-staging. */
export const BLOCK_BYTES = 8 * MiB;
/** Blocks uploaded at once by one draft; with BLOCK_BYTES, bounds a draft's memory. */
export const STAGE_CONCURRENCY = 4;
/**
 * Raw bytes of our block ids: 48, like the SDK's own `uploadData`, so that our blocks can be
 * committed beside a blob's existing ones (Azure wants one id length per blob).
 */
export const DEFAULT_ID_BYTES = 48;

/** A committed block of a blob, at its place in the content. */
export interface PlacedBlock {
  id: string;
  start: number;
  end: number;
}

export function newBlockId(rawBytes: number): string {
  return randomBytes(rawBytes).toString('base64');
}

/**
 * The raw length of new ids that can be committed beside `blocks`, or undefined when their ids
 * cannot be matched safely (mixed lengths, non-canonical or too short to be unique): then none is
 * kept and the content is re-staged.
 */
export function idBytesBeside(blocks: readonly PlacedBlock[]): number | undefined {
  if (blocks.length === 0) return DEFAULT_ID_BYTES;
  const raw = Buffer.from(blocks[0].id, 'base64');
  if (raw.length < 16 || raw.toString('base64') !== blocks[0].id) return undefined;
  return blocks.every((b) => b.id.length === blocks[0].id.length) ? raw.length : undefined;
}

/** Stages blocks of one blob with at most STAGE_CONCURRENCY in flight. */
export class Stager {
  private readonly uploads: Uploads;

  constructor(
    private readonly blob: BlockBlobClient,
    pool?: BufferPool,
  ) {
    this.uploads = new Uploads(STAGE_CONCURRENCY, pool);
  }

  /** Starts staging `data` as block `id`; `data` goes back to the pool when done. */
  add(id: string, data: Buffer): Promise<void> {
    return this.uploads.add(data, (bytes) => this.blob.stageBlock(id, bytes, bytes.length));
  }

  drain(): Promise<void> {
    return this.uploads.drain();
  }

  settle(): Promise<void> {
    return this.uploads.settle();
  }
}

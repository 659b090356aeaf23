import { randomBytes } from 'node:crypto';
import type { BlockBlobClient } from '@azure/storage-blob';

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

/** Block-sized buffers, reused once their upload is done, so a long stream makes no garbage. */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly size: number,
    private readonly keep: number,
  ) {}

  get(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.size);
  }

  put(buffer: Buffer): void {
    if (buffer.length === this.size && this.free.length < this.keep) this.free.push(buffer);
  }
}

/** Uploads blocks with at most `limit` in flight; the first failure is thrown by the next call. */
export class Stager {
  private readonly inFlight = new Set<Promise<void>>();
  private failure?: { error: unknown };

  constructor(
    private readonly blob: BlockBlobClient,
    private readonly pool?: BufferPool,
    private readonly limit = STAGE_CONCURRENCY,
  ) {}

  /**
   * Starts uploading `data` as block `id`; resolves once another upload may start. `data` goes
   * back to the pool when its upload is over: the caller must not keep it.
   */
  async add(id: string, data: Buffer): Promise<void> {
    this.check();
    const upload: Promise<void> = this.blob
      .stageBlock(id, data, data.length)
      .then(
        () => undefined,
        (error: unknown) => {
          this.failure ??= { error };
        },
      )
      .finally(() => {
        this.inFlight.delete(upload);
        this.pool?.put(data);
      });
    this.inFlight.add(upload);
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    this.check();
  }

  /** Waits for every upload; throws the first failure. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    this.check();
  }

  /** Waits for every upload, whatever became of them. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private check(): void {
    if (this.failure) throw this.failure.error;
  }
}

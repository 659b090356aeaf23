import type { BlockBlobClient } from '@azure/storage-blob';
import { FileSystemError, lockLostError, type Draft } from '../../core';
import { isConditionFailed, isNotFound } from './azure-errors';
import type { AzureLock } from './azure-lock';
import { loadBase, readBase, type BaseVersion } from './base-version';
import {
  BLOCK_BYTES,
  BufferPool,
  DEFAULT_ID_BYTES,
  idBytesBeside,
  newBlockId,
  STAGE_CONCURRENCY,
  Stager,
  type PlacedBlock,
} from './blocks';
import { IntervalSet } from './interval-set';
import { Spool } from './spool';
import { Tail } from './tail';

/**
 * The uncommitted new content of a blob (DESIGN §4: stage blocks, commit the block list).
 *
 * The content is the base version's bytes below `baseLimit`, overlaid by this draft's own writes
 * (kept in a local spool file, so they can be read back and re-staged), zeros elsewhere. While the
 * writes run forward, every full block past the base is staged at once, so a stream of any size
 * needs only a few blocks of memory. At commit, the base's committed blocks that no write touched
 * are kept as they are, the other ranges are staged from the overlay, and the block list is
 * committed on the condition that the blob is still the version the draft started from: atomic for
 * readers, and refused if another writer got in.
 */
export class AzureDraft implements Draft {
  private length: number;
  private baseLimit: number;
  private readonly written = new IntervalSet();
  private readonly spool = new Spool();
  private readonly pool = new BufferPool(BLOCK_BYTES, STAGE_CONCURRENCY + 1);
  private readonly stager: Stager;
  /** Blocks this draft staged early; each still holds the content of its range. */
  private staged: PlacedBlock[] = [];
  /** Where the next early block starts. */
  private stageFrom: number;
  /** The content of `[stageFrom, length)` while the writes run forward from there. */
  private tail?: Tail;
  private lastBlockMerged = false;
  private finished = false;

  private constructor(
    private readonly blob: BlockBlobClient,
    private readonly lock: AzureLock,
    private readonly base: BaseVersion,
    private readonly idBytes: number,
    private readonly reusable: PlacedBlock[],
    /** False for a sequential draft: its bytes live in the tail until staged, nowhere else. */
    private readonly keepsCopy: boolean,
  ) {
    this.length = base.size;
    this.baseLimit = base.size;
    this.stageFrom = base.size;
    this.stager = new Stager(blob, this.pool);
  }

  static async create(
    blob: BlockBlobClient,
    lock: AzureLock,
    start: 'empty' | 'current',
    sequential: boolean,
  ): Promise<AzureDraft> {
    const found = await loadBase(blob, start === 'current');
    const base = start === 'current' ? found : { etag: found.etag, size: 0, blocks: [] };
    const idBytes = idBytesBeside(base.blocks);
    return new AzureDraft(
      blob,
      lock,
      base,
      idBytes ?? DEFAULT_ID_BYTES,
      idBytes === undefined ? [] : base.blocks,
      !sequential,
    );
  }

  get size(): number {
    return this.length;
  }

  async read(position: number, length: number): Promise<Buffer> {
    this.assertCopy('read', position === this.length);
    return this.content(position, Math.max(0, Math.min(length, this.length - position)));
  }

  async write(position: number, data: Buffer): Promise<void> {
    this.assertCopy('write before its end', position === this.length);
    const end = position + data.length;
    if (position >= this.length) await this.mergeSmallLastBlock();
    this.staged = this.staged.filter((b) => b.end <= position || b.start >= end);
    if (this.keepsCopy) await this.spool.write(position, data);
    this.written.add(position, end);
    if (this.tail?.end === position && position === this.length) {
      this.tail.push(data);
    } else if (position === this.length && position === this.stageFrom) {
      this.tail = new Tail(position, this.pool);
      this.tail.push(data);
    } else {
      this.tail = undefined;
    }
    this.length = Math.max(this.length, end);
    await this.stageFullBlocks();
  }

  async truncate(size: number): Promise<void> {
    this.assertCopy('truncate', size === this.length);
    if (size !== this.length) this.tail = undefined;
    if (size < this.length) {
      this.written.clip(size);
      this.staged = this.staged.filter((b) => b.end <= size);
      this.baseLimit = Math.min(this.baseLimit, size);
      this.stageFrom = Math.min(this.stageFrom, size);
      await this.spool.truncate(size);
    }
    this.length = size;
  }

  async commit(): Promise<void> {
    if (this.finished) return;
    await this.stager.drain();
    if (!(await this.lock.renew())) throw lockLostError(this.lock.path);
    const conditions = this.base.etag ? { ifMatch: this.base.etag } : { ifNoneMatch: '*' };
    const kept = this.keptBlocks();
    try {
      if (kept.length === 0 && this.length <= BLOCK_BYTES) {
        const data = await this.content(0, this.length);
        await this.blob.upload(data, data.length, { conditions });
      } else {
        const ids = await this.stageGaps(kept);
        await this.blob.commitBlockList(ids, { conditions });
      }
    } catch (error) {
      if (isConditionFailed(error)) throw lockLostError(this.lock.path);
      throw error;
    }
    this.finished = true;
    await this.spool.dispose();
  }

  async discard(): Promise<void> {
    this.finished = true;
    await this.stager.settle();
    await this.spool.dispose();
    if (this.base.etag === undefined) await this.dropUncommitted();
  }

  /**
   * A new blob's staged blocks would stay for a week (Azure drops uncommitted blocks only then, or
   * at the blob's next commit), and some services (Azurite) then refuse the next create-only
   * commit. Deleting a blob that has no committed version removes them. The blob of a file that
   * exists keeps them until its next commit, which drops them: no call can do it sooner.
   */
  private async dropUncommitted(): Promise<void> {
    // Under our lock no aiofs writer commits; the check keeps a version committed by anyone else.
    const committed = await this.blob.getProperties().then(
      () => true,
      (error: unknown) => {
        if (isNotFound(error)) return false;
        throw error;
      },
    );
    if (committed) return;
    await this.blob.delete().catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  /** Early blocks and untouched base blocks, in content order; they never overlap. */
  private keptBlocks(): PlacedBlock[] {
    const base = this.reusable.filter(
      (b) => b.end <= this.baseLimit && !this.written.overlaps(b.start, b.end),
    );
    return [...base, ...this.staged].sort((a, b) => a.start - b.start);
  }

  /** Stages what `kept` does not cover; the whole list of block ids, in order. */
  private async stageGaps(kept: PlacedBlock[]): Promise<string[]> {
    const ids: string[] = [];
    let at = 0;
    for (const block of [...kept, { id: '', start: this.length, end: this.length }]) {
      for (let from = at; from < block.start; from += BLOCK_BYTES) {
        const id = newBlockId(this.idBytes);
        await this.stager.add(
          id,
          await this.content(from, Math.min(BLOCK_BYTES, block.start - from)),
        );
        ids.push(id);
      }
      if (block.id) ids.push(block.id);
      at = block.end;
    }
    await this.stager.drain();
    return ids;
  }

  /**
   * Before the first write at the end: a small last block of the base is taken into the overlay, so
   * that appends fill it up instead of adding one small block per session.
   */
  private async mergeSmallLastBlock(): Promise<void> {
    if (this.lastBlockMerged) return;
    this.lastBlockMerged = true;
    const last = this.reusable.at(-1);
    if (
      !last ||
      last.end !== this.length ||
      this.stageFrom !== last.end ||
      last.end > this.baseLimit ||
      last.end - last.start >= BLOCK_BYTES ||
      this.written.overlaps(last.start, last.end)
    ) {
      return;
    }
    const bytes = await this.content(last.start, last.end - last.start);
    if (this.keepsCopy) await this.spool.write(last.start, bytes);
    this.written.add(last.start, last.end);
    this.stageFrom = last.start;
    this.tail = new Tail(last.start, this.pool);
    this.tail.push(bytes);
  }

  /** A sequential draft has no copy to read back: the facade never asks it to. */
  private assertCopy(operation: string, harmless: boolean): void {
    if (!this.keepsCopy && !harmless) {
      throw new FileSystemError(
        'EIO',
        `A sequential azure draft of '${this.lock.path}' cannot ${operation}`,
        { path: this.lock.path },
      );
    }
  }

  /** Stages every full block from `stageFrom` whose bytes are all known (ours or past the base). */
  private async stageFullBlocks(): Promise<void> {
    while (this.stageFrom + BLOCK_BYTES <= this.length) {
      const start = this.stageFrom;
      const end = start + BLOCK_BYTES;
      if (start < this.baseLimit && !this.written.covers(start, Math.min(end, this.baseLimit)))
        return;
      const bytes =
        this.tail?.start === start
          ? this.tail.take(BLOCK_BYTES)
          : await this.content(start, BLOCK_BYTES);
      const id = newBlockId(this.idBytes);
      this.staged.push({ id, start, end });
      this.stageFrom = end;
      await this.stager.add(id, bytes);
    }
  }

  /** `length` bytes of the draft's content from `position`. */
  private async content(position: number, length: number): Promise<Buffer> {
    const out = Buffer.alloc(length);
    for (const piece of this.written.pieces(position, position + length)) {
      const at = piece.start - position;
      if (piece.inside) {
        const split = Math.min(piece.end, Math.max(piece.start, this.tail?.start ?? piece.end));
        if (split > piece.start) {
          (await this.spool.read(piece.start, split - piece.start)).copy(out, at);
        }
        if (split < piece.end) {
          this.tail!.read(split, out.subarray(split - position, piece.end - position));
        }
      } else if (piece.start < this.baseLimit) {
        const end = Math.min(piece.end, this.baseLimit);
        await readBase(
          this.blob,
          this.base,
          piece.start,
          out.subarray(at, at + end - piece.start),
          this.lock.path,
        );
      }
    }
    return out;
  }
}

import type { BlockBlobClient } from '@azure/storage-blob';
import { isConditionFailed, isNotFound } from './azure-errors';
import type { AzureLock } from './azure-lock';
import { loadBase, readBase, type BaseVersion } from './base-version';
import { OverlayDraft } from '../object-store/overlay-draft';
import {
  BLOCK_BYTES,
  DEFAULT_ID_BYTES,
  idBytesBeside,
  newBlockId,
  STAGE_CONCURRENCY,
  Stager,
  type PlacedBlock,
} from './blocks';

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
export class AzureDraft extends OverlayDraft {
  protected readonly transfers: Stager;
  /** Blocks this draft staged early; each still holds the content of its range. */
  private staged: PlacedBlock[] = [];
  private lastBlockMerged = false;

  private constructor(
    private readonly blob: BlockBlobClient,
    lock: AzureLock,
    private readonly base: BaseVersion,
    private readonly idBytes: number,
    private readonly reusable: PlacedBlock[],
    keepsCopy: boolean,
  ) {
    super('azure', lock, base.size, BLOCK_BYTES, STAGE_CONCURRENCY, keepsCopy);
    this.transfers = new Stager(blob, this.pool);
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

  protected readBase(position: number, out: Buffer): Promise<void> {
    return readBase(this.blob, this.base, position, out, this.lock.path);
  }

  protected isConditionFailed(error: unknown): boolean {
    return isConditionFailed(error);
  }

  protected forgetStaged(start: number, end: number): void {
    this.staged = this.staged.filter((b) => b.end <= start || b.start >= end);
  }

  protected async commitContent(): Promise<void> {
    const conditions = this.base.etag ? { ifMatch: this.base.etag } : { ifNoneMatch: '*' };
    const kept = this.keptBlocks();
    if (kept.length === 0 && this.size <= BLOCK_BYTES) {
      const data = await this.overlay.content(0, this.size);
      await this.blob.upload(data, data.length, { conditions });
    } else {
      const ids = await this.stageGaps(kept);
      await this.blob.commitBlockList(ids, { conditions });
    }
  }

  /**
   * A new blob's staged blocks would stay for a week (Azure drops uncommitted blocks only then, or
   * at the blob's next commit), and some services (Azurite) then refuse the next create-only
   * commit. Deleting a blob that has no committed version removes them. The blob of a file that
   * exists keeps them until its next commit, which drops them: no call can do it sooner.
   */
  protected async dropUploads(): Promise<void> {
    if (this.base.etag !== undefined) return;
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
    const { baseLimit, written } = this.overlay;
    const base = this.reusable.filter(
      (b) => b.end <= baseLimit && !written.overlaps(b.start, b.end),
    );
    return [...base, ...this.staged].sort((a, b) => a.start - b.start);
  }

  /** Stages what `kept` does not cover; the whole list of block ids, in order. */
  private async stageGaps(kept: PlacedBlock[]): Promise<string[]> {
    const ids: string[] = [];
    let at = 0;
    for (const block of [...kept, { id: '', start: this.size, end: this.size }]) {
      for (let from = at; from < block.start; from += BLOCK_BYTES) {
        const id = newBlockId(this.idBytes);
        await this.transfers.add(
          id,
          await this.overlay.content(from, Math.min(BLOCK_BYTES, block.start - from)),
        );
        ids.push(id);
      }
      if (block.id) ids.push(block.id);
      at = block.end;
    }
    await this.transfers.drain();
    return ids;
  }

  /**
   * Before the first write at the end: a small last block of the base is taken into the overlay, so
   * that appends fill it up instead of adding one small block per session.
   */
  protected async beforeAppend(): Promise<void> {
    if (this.lastBlockMerged) return;
    this.lastBlockMerged = true;
    const last = this.reusable.at(-1);
    const { length, stageFrom, baseLimit, written } = this.overlay;
    if (
      !last ||
      last.end !== length ||
      stageFrom !== last.end ||
      last.end > baseLimit ||
      last.end - last.start >= BLOCK_BYTES ||
      written.overlaps(last.start, last.end)
    ) {
      return;
    }
    await this.overlay.absorb(last.start);
  }

  /** Stages every full block from `stageFrom` whose bytes are all known (ours or past the base). */
  protected async stageFull(): Promise<void> {
    for (;;) {
      const next = await this.overlay.takeFull(BLOCK_BYTES);
      if (!next) return;
      const id = newBlockId(this.idBytes);
      this.staged.push({ id, start: next.start, end: next.end });
      await this.transfers.add(id, next.bytes);
    }
  }
}

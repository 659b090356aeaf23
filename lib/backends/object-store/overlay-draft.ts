import { FileSystemError, lockLostError, type Draft, type DriverLock } from '../../core';
import { BufferPool } from './buffer-pool';
import { Overlay } from './overlay';

/** What an object store's draft needs of its uploads in flight (staged blocks, parts). */
export interface Transfers {
  /** Waits for every upload; throws the first failure. */
  drain(): Promise<void>;
  /** Waits for every upload, whatever became of them. */
  settle(): Promise<void>;
}

/**
 * What the drafts of all object stores do alike: the content is an `Overlay` of the base version,
 * full blocks or parts go out early while the writes run forward, and the commit is fenced by the
 * lock (renewed just before) and by the store's condition on the base version, whose failure means
 * another writer got in. A store's draft says how it stages, commits and cleans up.
 */
export abstract class OverlayDraft implements Draft {
  protected readonly pool: BufferPool;
  protected readonly overlay: Overlay;
  /** The store's uploads in flight, drained before the commit and settled at discard. */
  protected abstract readonly transfers: Transfers;
  private finished = false;

  protected constructor(
    /** The backend's name, for messages. */
    private readonly backend: string,
    protected readonly lock: DriverLock,
    baseSize: number,
    /** One block or part: the pool holds one per upload in flight and one being filled. */
    chunkBytes: number,
    concurrency: number,
    /** False for a sequential draft: its bytes live in the tail until staged, nowhere else. */
    keepsCopy: boolean,
  ) {
    this.pool = new BufferPool(chunkBytes, concurrency + 1);
    this.overlay = new Overlay(baseSize, this.pool, keepsCopy, (position, out) =>
      this.readBase(position, out),
    );
  }

  /** Fills `out` with the base version's bytes from `position`. */
  protected abstract readBase(position: number, out: Buffer): Promise<void>;
  /** Before the first write at the end: may take a small last piece of the base into the overlay. */
  protected abstract beforeAppend(): Promise<void>;
  /** Forgets what was staged early and overlaps `[start, end)`: its content is changing. */
  protected abstract forgetStaged(start: number, end: number): void;
  /** Stages what the overlay holds in full blocks or parts, from `stageFrom`. */
  protected abstract stageFull(): Promise<void>;
  /** Makes the content the object's, conditioned on the base version; the lock was just renewed. */
  protected abstract commitContent(): Promise<void>;
  /** After a discard: removes what the store keeps of uncommitted uploads. */
  protected abstract dropUploads(): Promise<void>;
  /** Whether a store error says a write condition failed. */
  protected abstract isConditionFailed(error: unknown): boolean;

  get size(): number {
    return this.overlay.length;
  }

  async read(position: number, length: number): Promise<Buffer> {
    this.assertCopy('read', position === this.size);
    return this.overlay.content(position, Math.max(0, Math.min(length, this.size - position)));
  }

  async write(position: number, data: Buffer): Promise<void> {
    this.assertCopy('write before its end', position === this.size);
    if (position >= this.size) await this.beforeAppend();
    this.forgetStaged(position, position + data.length);
    await this.overlay.write(position, data);
    await this.stageFull();
  }

  async truncate(size: number): Promise<void> {
    this.assertCopy('truncate', size === this.size);
    if (size < this.size) this.forgetStaged(size, Infinity);
    await this.overlay.truncate(size);
  }

  async commit(): Promise<void> {
    if (this.finished) return;
    await this.transfers.drain();
    // Fence: the lock must still be ours now (it is renewed for a whole TTL from here on).
    if (!(await this.lock.renew())) throw lockLostError(this.lock.path);
    try {
      await this.commitContent();
    } catch (error) {
      if (this.isConditionFailed(error)) throw lockLostError(this.lock.path);
      throw error;
    }
    this.finished = true;
    await this.overlay.dispose();
  }

  async discard(): Promise<void> {
    this.finished = true;
    await this.transfers.settle();
    await this.overlay.dispose();
    await this.dropUploads();
  }

  /** A sequential draft has no copy to read back: the facade never asks it to. */
  protected assertCopy(operation: string, harmless: boolean): void {
    if (!this.overlay.keepsCopy && !harmless) {
      throw new FileSystemError(
        'EIO',
        `A sequential ${this.backend} draft of '${this.lock.path}' cannot ${operation}`,
        { path: this.lock.path },
      );
    }
  }
}

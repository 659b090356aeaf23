import { FileSystemError, lockLostError, type Draft, type DriverLock } from '../../core';
import { BufferPool } from '../object-store/buffer-pool';
import { Overlay } from '../object-store/overlay';
import { Uploads } from '../object-store/uploads';
import { isConditionFailed, isNotFoundError, type S3Api, type WriteCondition } from './s3-api';
import {
  MAX_PARTS,
  MIN_PART_BYTES,
  PART_BYTES,
  planParts,
  PREFIX_PART_NUMBERS,
  UPLOAD_CONCURRENCY,
  type PlannedPart,
} from './s3-parts';
import { fillPinned } from './s3-reads';

/** The committed version a draft starts from (and must still find at commit). */
export interface BaseVersion {
  /** undefined when the object did not exist. */
  etag?: string;
  size: number;
}

interface UploadedPart {
  number: number;
  start: number;
  end: number;
  etag?: string;
}

/**
 * The uncommitted new content of an object (DESIGN §5: one PutObject, or a multipart upload
 * completed at commit; both conditioned on the version the draft started from).
 *
 * The content is the base version's bytes below `baseLimit`, overlaid by this draft's own writes
 * (kept in a local spool file so they can be read back), zeros elsewhere. While the writes run
 * forward, every full part is uploaded at once, so a stream of any size needs only a few parts of
 * memory. At commit, base ranges that no write touched are copied on the server (UploadPartCopy),
 * the rest is uploaded, and the upload is completed on the condition that the object is still
 * the version the draft started from: nothing is visible before, and a writer that lost its lock
 * cannot overwrite a newer commit.
 */
export class S3Draft implements Draft {
  private readonly pool = new BufferPool(PART_BYTES, UPLOAD_CONCURRENCY + 1);
  private readonly uploads = new Uploads(UPLOAD_CONCURRENCY, this.pool);
  private readonly overlay: Overlay;
  /** Parts uploaded early, in content order; each still holds the content of its range. */
  private early: UploadedPart[] = [];
  private nextNumber = 0;
  private multipart?: Promise<string>;
  private smallBaseMerged = false;
  private finished = false;

  private constructor(
    private readonly api: S3Api,
    private readonly key: string,
    private readonly lock: DriverLock,
    private readonly base: BaseVersion,
    /** False for a sequential draft: its bytes live in the tail until uploaded, nowhere else. */
    keepsCopy: boolean,
    /**
     * How the commit is fenced: conditioned (`store`), conditioned and the ETag compared just
     * before completing a multipart upload (`checked`: the store ignores If-Match there), or not
     * at all (`none`: unsafeNoLocks).
     */
    private readonly fence: 'none' | 'store' | 'checked',
  ) {
    this.overlay = new Overlay(base.size, this.pool, keepsCopy, (position, out) =>
      this.readBase(position, out),
    );
  }

  static async create(
    api: S3Api,
    key: string,
    lock: DriverLock,
    start: 'empty' | 'current',
    sequential: boolean,
    fence: 'none' | 'store' | 'checked',
  ): Promise<S3Draft> {
    const head = await api.head(key);
    const base = { etag: head?.etag, size: start === 'current' ? (head?.size ?? 0) : 0 };
    return new S3Draft(api, key, lock, base, !sequential, fence);
  }

  get size(): number {
    return this.overlay.length;
  }

  async read(position: number, length: number): Promise<Buffer> {
    this.assertCopy('read', position === this.size);
    return this.overlay.content(position, Math.max(0, Math.min(length, this.size - position)));
  }

  async write(position: number, data: Buffer): Promise<void> {
    this.assertCopy('write before its end', position === this.size);
    const end = position + data.length;
    if (position >= this.size) await this.mergeSmallBase();
    if (this.early.some((p) => p.end > position && p.start < end)) this.dropEarly();
    await this.overlay.write(position, data);
    await this.uploadFullParts();
  }

  async truncate(size: number): Promise<void> {
    this.assertCopy('truncate', size === this.size);
    if (size < this.size && this.early.some((p) => p.end > size)) this.dropEarly();
    await this.overlay.truncate(size);
  }

  async commit(): Promise<void> {
    if (this.finished) return;
    await this.uploads.drain();
    // Fence: the lock must still be ours now (it is renewed for a whole TTL from here on).
    if (!(await this.lock.renew())) throw lockLostError(this.lock.path);
    const condition: WriteCondition =
      this.fence === 'none'
        ? undefined
        : this.base.etag
          ? { ifMatch: this.base.etag }
          : { ifNoneMatch: '*' };
    try {
      const copyable = this.overlay.untouchedBase();
      if (this.early.length === 0 && this.size <= PART_BYTES) {
        const data = await this.overlay.content(0, this.size);
        await this.api.put(this.key, data, condition);
        await this.discardUpload();
      } else {
        const parts = await this.uploadRest(copyable);
        if (this.fence === 'checked' && (await this.api.head(this.key))?.etag !== this.base.etag) {
          throw lockLostError(this.lock.path);
        }
        await this.api.completeMultipart(this.key, await this.uploadId(), parts, condition);
      }
    } catch (error) {
      if (isConditionFailed(error)) throw lockLostError(this.lock.path);
      throw error;
    }
    this.finished = true;
    this.multipart = undefined;
    await this.overlay.dispose();
  }

  async discard(): Promise<void> {
    this.finished = true;
    await this.uploads.settle();
    await this.overlay.dispose();
    await this.discardUpload();
  }

  /** Aborts the multipart upload, if one was started (its parts are deleted with it). */
  private async discardUpload(): Promise<void> {
    const multipart = this.multipart;
    this.multipart = undefined;
    const uploadId = await multipart?.catch(() => undefined);
    if (uploadId) await this.api.abortMultipart(this.key, uploadId);
  }

  /** Uploads or copies what the early parts do not cover; every part of the upload, in order. */
  private async uploadRest(
    copyable: Array<{ start: number; end: number }>,
  ): Promise<Array<{ number: number; etag: string }>> {
    const firstEarly = this.early[0]?.start ?? this.size;
    let plan = planParts(
      firstEarly,
      copyable.filter((r) => r.end <= firstEarly),
      this.early.length === 0,
    );
    const lastEarly = this.early.at(-1);
    if (
      this.early.length > 0 &&
      (!plan || plan.length > this.early[0].number - 1 || !this.earlyContiguous())
    ) {
      if (!this.overlay.keepsCopy) {
        throw new FileSystemError('EIO', `Cannot plan the parts of '${this.lock.path}'`, {
          path: this.lock.path,
        });
      }
      this.dropEarly();
      plan = planParts(this.size, copyable, true);
    }
    const numbered: Array<{ number: number; part: PlannedPart }> = (plan ?? []).map((part, i) => ({
      number: i + 1,
      part,
    }));
    // After the early parts: what the tail still holds.
    const tailStart = this.early.at(-1)?.end;
    if (tailStart !== undefined && tailStart < this.size) {
      const tail = planParts(this.size - tailStart, [], true)!;
      let number = lastEarly!.number;
      for (const part of tail) {
        numbered.push({
          number: ++number,
          part: { kind: 'upload', start: part.start + tailStart, end: part.end + tailStart },
        });
      }
    }
    if (
      numbered.length + this.early.length > MAX_PARTS ||
      numbered.some((p) => p.number > MAX_PARTS)
    ) {
      throw new FileSystemError(
        'EFBIG',
        `'${this.lock.path}' needs more than ${MAX_PARTS} parts of ${PART_BYTES} bytes`,
        { path: this.lock.path },
      );
    }
    const uploadId = await this.uploadId();
    const done: Array<{ number: number; etag: string }> = [];
    for (const { number, part } of numbered) {
      if (part.kind === 'copy') {
        await this.uploads.add(Buffer.alloc(0), async () => {
          try {
            const etag = await this.api.copyPart(
              this.key,
              uploadId,
              number,
              this.key,
              part,
              this.base.etag!,
            );
            done.push({ number, etag });
          } catch (error) {
            // The base changed under our lock: someone took it over.
            if (isConditionFailed(error) || isNotFoundError(error))
              throw lockLostError(this.lock.path);
            throw error;
          }
        });
      } else {
        const data = await this.overlay.content(part.start, part.end - part.start);
        await this.uploads.add(data, async (bytes) => {
          done.push({ number, etag: await this.api.uploadPart(this.key, uploadId, number, bytes) });
        });
      }
    }
    await this.uploads.drain();
    for (const p of this.early) done.push({ number: p.number, etag: p.etag! });
    return done.sort((a, b) => a.number - b.number);
  }

  private earlyContiguous(): boolean {
    return this.early.every(
      (p, i) =>
        i === 0 || (p.start === this.early[i - 1].end && p.number === this.early[i - 1].number + 1),
    );
  }

  /** Forget the early parts (they stay in the upload, unlisted, and go with it). */
  private dropEarly(): void {
    this.assertCopy('rewrite an uploaded part', false);
    this.early = [];
    this.overlay.stopStaging();
  }

  /**
   * Before the first write at the end of a base smaller than a part: the base is taken into the
   * overlay, so that the first uploaded part can start at 0 (S3 parts but the last are ≥ 5 MiB).
   */
  private async mergeSmallBase(): Promise<void> {
    if (this.smallBaseMerged) return;
    this.smallBaseMerged = true;
    const { baseLimit, stageFrom, length, written } = this.overlay;
    if (baseLimit === 0 || baseLimit >= MIN_PART_BYTES || stageFrom !== length) return;
    if (length !== baseLimit || written.overlaps(0, baseLimit)) return;
    await this.overlay.absorb(0);
  }

  /** Uploads every full part from `stageFrom` whose bytes are all known (ours or past the base). */
  private async uploadFullParts(): Promise<void> {
    while (this.overlay.fullReady(PART_BYTES)) {
      if (this.nextNumber === 0) {
        this.nextNumber = this.overlay.stageFrom === 0 ? 1 : PREFIX_PART_NUMBERS + 1;
      }
      if (this.nextNumber > MAX_PARTS) return; // the rest goes at commit, which reports the limit
      const next = (await this.overlay.takeFull(PART_BYTES))!;
      const part: UploadedPart = { number: this.nextNumber++, start: next.start, end: next.end };
      this.early.push(part);
      await this.uploads.add(next.bytes, async (data) => {
        part.etag = await this.api.uploadPart(this.key, await this.uploadId(), part.number, data);
      });
    }
  }

  private uploadId(): Promise<string> {
    this.multipart ??= this.api.startMultipart(this.key);
    return this.multipart;
  }

  /** A sequential draft has no copy to read back: the facade never asks it to. */
  private assertCopy(operation: string, harmless: boolean): void {
    if (!this.overlay.keepsCopy && !harmless) {
      throw new FileSystemError(
        'EIO',
        `A sequential s3 draft of '${this.lock.path}' cannot ${operation}`,
        { path: this.lock.path },
      );
    }
  }

  /** The base version's bytes from `position`, pinned on its ETag. */
  private async readBase(position: number, out: Buffer): Promise<void> {
    try {
      await fillPinned(this.api, this.key, out, position, { etag: this.base.etag });
    } catch (error) {
      // Changed under our lock: someone took it over.
      if (isConditionFailed(error) || isNotFoundError(error)) throw lockLostError(this.lock.path);
      throw error;
    }
  }
}

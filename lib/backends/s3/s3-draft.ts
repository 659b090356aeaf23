import { FileSystemError, lockLostError, type DriverLock } from '../../core';
import { OverlayDraft } from '../object-store/overlay-draft';
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
export class S3Draft extends OverlayDraft {
  protected readonly transfers = new Uploads(UPLOAD_CONCURRENCY, this.pool);
  /** Parts uploaded early, in content order; each still holds the content of its range. */
  private early: UploadedPart[] = [];
  private nextNumber = 0;
  private multipart?: Promise<string>;
  private smallBaseMerged = false;

  private constructor(
    private readonly api: S3Api,
    private readonly key: string,
    lock: DriverLock,
    private readonly base: BaseVersion,
    keepsCopy: boolean,
    /**
     * How the commit is fenced: conditioned (`store`), conditioned and the ETag compared just
     * before completing a multipart upload (`checked`: the store ignores If-Match there), or not
     * at all (`none`: unsafeNoLocks).
     */
    private readonly fence: 'none' | 'store' | 'checked',
  ) {
    super('s3', lock, base.size, PART_BYTES, UPLOAD_CONCURRENCY, keepsCopy);
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

  protected isConditionFailed(error: unknown): boolean {
    return isConditionFailed(error);
  }

  protected forgetStaged(start: number, end: number): void {
    if (this.early.some((p) => p.end > start && p.start < end)) this.dropEarly();
  }

  protected async commitContent(): Promise<void> {
    const condition: WriteCondition =
      this.fence === 'none'
        ? undefined
        : this.base.etag
          ? { ifMatch: this.base.etag }
          : { ifNoneMatch: '*' };
    const copyable = this.overlay.untouchedBase();
    if (this.early.length === 0 && this.size <= PART_BYTES) {
      const data = await this.overlay.content(0, this.size);
      await this.api.put(this.key, data, condition);
      await this.dropUploads();
    } else {
      const parts = await this.uploadRest(copyable);
      if (this.fence === 'checked' && (await this.api.head(this.key))?.etag !== this.base.etag) {
        throw lockLostError(this.lock.path);
      }
      await this.api.completeMultipart(this.key, await this.uploadId(), parts, condition);
    }
    this.multipart = undefined;
  }

  /** Aborts the multipart upload, if one was started (its parts are deleted with it). */
  protected async dropUploads(): Promise<void> {
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
        await this.transfers.add(Buffer.alloc(0), async () => {
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
        await this.transfers.add(data, async (bytes) => {
          done.push({ number, etag: await this.api.uploadPart(this.key, uploadId, number, bytes) });
        });
      }
    }
    await this.transfers.drain();
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
  protected async beforeAppend(): Promise<void> {
    if (this.smallBaseMerged) return;
    this.smallBaseMerged = true;
    const { baseLimit, stageFrom, length, written } = this.overlay;
    if (baseLimit === 0 || baseLimit >= MIN_PART_BYTES || stageFrom !== length) return;
    if (length !== baseLimit || written.overlaps(0, baseLimit)) return;
    await this.overlay.absorb(0);
  }

  /** Uploads every full part from `stageFrom` whose bytes are all known (ours or past the base). */
  protected async stageFull(): Promise<void> {
    while (this.overlay.fullReady(PART_BYTES)) {
      if (this.nextNumber === 0) {
        this.nextNumber = this.overlay.stageFrom === 0 ? 1 : PREFIX_PART_NUMBERS + 1;
      }
      if (this.nextNumber > MAX_PARTS) return; // the rest goes at commit, which reports the limit
      const next = (await this.overlay.takeFull(PART_BYTES))!;
      const part: UploadedPart = { number: this.nextNumber++, start: next.start, end: next.end };
      this.early.push(part);
      await this.transfers.add(next.bytes, async (data) => {
        part.etag = await this.api.uploadPart(this.key, await this.uploadId(), part.number, data);
      });
    }
  }

  private uploadId(): Promise<string> {
    this.multipart ??= this.api.startMultipart(this.key);
    return this.multipart;
  }

  /** The base version's bytes from `position`, pinned on its ETag. */
  protected async readBase(position: number, out: Buffer): Promise<void> {
    try {
      await fillPinned(this.api, this.key, out, position, { etag: this.base.etag });
    } catch (error) {
      // Changed under our lock: someone took it over.
      if (isConditionFailed(error) || isNotFoundError(error)) throw lockLostError(this.lock.path);
      throw error;
    }
  }
}

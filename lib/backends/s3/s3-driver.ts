import type { Readable } from 'node:stream';
import {
  BackendUnavailableError,
  InvalidArgumentError,
  lockLostError,
  type Draft,
  type DriverLock,
  type FileStat,
  type Pattern,
  type Reader,
  type ResolvedRange,
  type StorageDriver,
} from '../../core';
import { whileHeld } from '../object-store/keep-alive';
import { isConditionFailed, isNotFoundError, statusOf, type S3Api } from './s3-api';
import { S3Draft } from './s3-draft';
import { translateS3Error } from './s3-errors';
import type { S3Keys } from './s3-keys';
import { listPaths } from './s3-listing';
import { S3Lock, S3Locks } from './s3-lock';
import { ProcessLocks } from '../process-locks';
import { openObjectReader, openObjectStream, readObject } from './s3-reads';
import { copyObject, deleteObject } from './s3-transfer';
import type { StoreConditions } from './s3-probe';
import { SINGLE_PUT_BYTES, writeWhole } from './s3-write-whole';

/** One bucket (and key prefix) of S3 or an S3-compatible store (DESIGN §5). */
export class S3Driver implements StorageDriver {
  readonly backend = 's3';
  readonly pathRules = {};
  private readonly locks?: S3Locks;
  private readonly processLocks?: ProcessLocks;

  constructor(
    readonly api: S3Api,
    readonly keys: S3Keys,
    /** Endpoint and bucket: never a key or secret. */
    readonly location: string,
    private readonly lockTtlMs: number,
    /** undefined with unsafeNoLocks: locks within this process, unconditioned commits. */
    private readonly conditions: StoreConditions | undefined,
    /** Destroys the client when aiofs made it. */
    private readonly destroyClient: () => void,
  ) {
    if (conditions) this.locks = new S3Locks(api, conditions.conditionalDelete);
    else this.processLocks = new ProcessLocks();
  }

  private get fenced(): boolean {
    return this.locks !== undefined;
  }

  /** How a draft fences its commit: not at all (unsafeNoLocks), by the store, or checked here too. */
  private get fence(): 'none' | 'store' | 'checked' {
    if (!this.conditions) return 'none';
    return this.conditions.conditionalComplete ? 'store' : 'checked';
  }

  async lock(path: string, ttlMs: number): Promise<DriverLock | undefined> {
    if (this.processLocks) return this.processLocks.acquire(path, ttlMs);
    return this.locks!.acquire(path, this.keys.lock(path), ttlMs);
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const head = await this.api.head(this.keys.of(path));
    return head && { path, size: head.size, modifiedAt: head.modifiedAt, etag: head.etag };
  }

  read(path: string, range: ResolvedRange): Promise<Buffer | undefined> {
    return readObject(this.api, this.keys.of(path), range);
  }

  openReadStream(path: string, range: ResolvedRange): Promise<Readable | undefined> {
    return openObjectStream(this.api, this.keys.of(path), range, path);
  }

  openReader(path: string): Promise<Reader | undefined> {
    return openObjectReader(this.api, this.keys, this.keys.of(path));
  }

  createDraft(
    path: string,
    lock: DriverLock,
    start: 'empty' | 'current',
    hints: { sequential?: boolean } = {},
  ): Promise<Draft> {
    return S3Draft.create(
      this.api,
      this.keys.of(path),
      this.ownLock(lock),
      start,
      !!hints.sequential,
      this.fence,
    );
  }

  async writeWhole(
    path: string,
    data: Buffer,
    exclusive: boolean,
  ): Promise<'written' | 'locked' | 'exists'> {
    const lock = await this.lock(path, this.lockTtlMs);
    if (!lock) return 'locked';
    const key = this.keys.of(path);
    if (data.length <= SINGLE_PUT_BYTES) {
      return writeWhole(this.api, key, lock, data, exclusive, this.lockTtlMs, this.fenced);
    }
    return whileHeld(lock, this.lockTtlMs, async () => {
      if (exclusive && (await this.api.head(key))) return 'exists';
      const draft = await S3Draft.create(this.api, key, lock, 'empty', true, this.fence);
      try {
        for (let at = 0; at < data.length; at += SINGLE_PUT_BYTES) {
          await draft.write(at, data.subarray(at, at + SINGLE_PUT_BYTES));
        }
        await draft.commit();
      } catch (error) {
        await draft.discard().catch(() => undefined);
        throw error;
      }
      return 'written';
    });
  }

  listBatches(pattern: Pattern): AsyncIterable<string[]> {
    return listPaths(this.api, this.keys, pattern.prefix);
  }

  async *list(pattern: Pattern): AsyncIterable<string> {
    for await (const batch of this.listBatches(pattern)) yield* batch;
  }

  deleteLocked(path: string): Promise<boolean> {
    return deleteObject(this.api, this.keys.of(path));
  }

  async copyLocked(from: string, to: string): Promise<boolean> {
    const source = await this.api.head(this.keys.of(from));
    if (!source) return false;
    const target = await this.api.head(this.keys.of(to));
    try {
      await copyObject(
        this.api,
        this.keys.of(from),
        this.keys.of(to),
        source.etag,
        source.size,
        !this.fenced ? undefined : target ? { ifMatch: target.etag } : { ifNoneMatch: '*' },
      );
    } catch (error) {
      // Either end changed under our locks: someone took one of them over.
      if (isConditionFailed(error)) throw lockLostError(to);
      if (isNotFoundError(error)) return false;
      throw error;
    }
    return true;
  }

  async moveLocked(from: string, to: string): Promise<boolean> {
    if (!(await this.copyLocked(from, to))) return false;
    await deleteObject(this.api, this.keys.of(from));
    return true;
  }

  async ping(): Promise<void> {
    try {
      await this.api.headBucket();
    } catch (error) {
      // HEAD answers have no body: a missing bucket is a bare 404.
      if (statusOf(error) !== 404) throw error;
      throw new BackendUnavailableError('s3', this.location, {
        cause: error,
        detail: 'the bucket does not exist',
      });
    }
  }

  async close(): Promise<void> {
    this.destroyClient();
  }

  translateError(error: unknown, path?: string): Error | undefined {
    return translateS3Error(error, this.location, path);
  }

  private ownLock(lock: DriverLock): DriverLock {
    if (this.locks && !(lock instanceof S3Lock)) {
      throw new InvalidArgumentError(
        `The s3 backend was given a lock of '${lock.path}' that it did not make`,
      );
    }
    return lock;
  }
}

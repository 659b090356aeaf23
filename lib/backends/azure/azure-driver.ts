import type { Readable } from 'node:stream';
import type { BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import {
  FileSystemError,
  InvalidArgumentError,
  type Draft,
  type DriverLock,
  type FileStat,
  type Pattern,
  type Reader,
  type ResolvedRange,
  type StorageDriver,
} from '../../core';
import { isNotFound, reasonOf, translateAzureError } from './azure-errors';
import { AzureDraft } from './azure-draft';
import { acquireLock, isAzureLock } from './azure-lock';
import { listBlobNames } from './listing';
import { openRangeStream, readRange } from './reads';
import { openSnapshotReader } from './snapshot-reader';
import { copyBlob, deleteBlob } from './transfer';
import { writeWhole } from './write-whole';

const CLIENT_CACHE_SIZE = 256;

/** One container of Azure Blob Storage (DESIGN §5): a block blob per path, leases as locks. */
export class AzureDriver implements StorageDriver {
  readonly backend = 'azure';
  readonly pathRules = {};
  private readonly clients = new Map<string, BlockBlobClient>();

  constructor(
    readonly container: ContainerClient,
    /** Account, endpoint and container: never a key or SAS. */
    readonly location: string,
    /** The file system's lease, for `writeWhole`'s own lock. */
    private readonly lockTtlMs: number,
  ) {}

  lock(path: string, ttlMs: number): Promise<DriverLock | undefined> {
    return acquireLock(this.container, path, ttlMs);
  }

  async stat(path: string): Promise<FileStat | undefined> {
    try {
      const props = await this.blob(path).getProperties();
      return {
        path,
        size: props.contentLength ?? 0,
        modifiedAt: props.lastModified,
        etag: props.etag,
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  read(path: string, range: ResolvedRange): Promise<Buffer | undefined> {
    return readRange(this.blob(path), range);
  }

  openReadStream(path: string, range: ResolvedRange): Promise<Readable | undefined> {
    return openRangeStream(this.blob(path), range, (error) => this.typed(error, path));
  }

  openReader(path: string): Promise<Reader | undefined> {
    return openSnapshotReader(this.blob(path));
  }

  async createDraft(
    path: string,
    lock: DriverLock,
    start: 'empty' | 'current',
    hints: { sequential?: boolean } = {},
  ): Promise<Draft> {
    return AzureDraft.create(this.blob(path), this.azureLock(lock), start, !!hints.sequential);
  }

  writeWhole(
    path: string,
    data: Buffer,
    exclusive: boolean,
  ): Promise<'written' | 'locked' | 'exists'> {
    return writeWhole(this.container, path, data, exclusive, this.lockTtlMs);
  }

  list(pattern: Pattern): AsyncIterable<string> {
    return listBlobNames(this.container, pattern.prefix);
  }

  deleteLocked(path: string): Promise<boolean> {
    return deleteBlob(this.blob(path));
  }

  copyLocked(from: string, to: string): Promise<boolean> {
    return copyBlob(this.blob(from), this.blob(to));
  }

  async moveLocked(from: string, to: string): Promise<boolean> {
    if (!(await copyBlob(this.blob(from), this.blob(to)))) return false;
    await deleteBlob(this.blob(from));
    return true;
  }

  async ping(): Promise<void> {
    await this.container.getProperties();
  }

  async close(): Promise<void> {}

  translateError(error: unknown, path?: string): Error | undefined {
    return translateAzureError(error, this.location, path);
  }

  /** A stream's error, typed like the facade types a call's. */
  private typed(error: unknown, path: string): Error {
    return (
      this.translateError(error, path) ??
      new FileSystemError('EIO', `azure backend failed on '${path}': ${reasonOf(error)}`, {
        path,
        cause: error,
      })
    );
  }

  /** The client of `path`; recent ones are reused (building one costs more than a small read). */
  private blob(path: string): BlockBlobClient {
    let client = this.clients.get(path);
    if (client) {
      this.clients.delete(path);
    } else {
      client = this.container.getBlockBlobClient(path);
      if (this.clients.size >= CLIENT_CACHE_SIZE) {
        this.clients.delete(this.clients.keys().next().value!);
      }
    }
    this.clients.set(path, client);
    return client;
  }

  private azureLock(lock: DriverLock) {
    if (!isAzureLock(lock)) {
      throw new InvalidArgumentError(
        `The azure backend was given a lock of '${lock.path}' that it did not make`,
      );
    }
    return lock;
  }
}

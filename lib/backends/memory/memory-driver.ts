import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  clampRange,
  lockLostError,
  type Draft,
  type DriverLock,
  type FileStat,
  type Pattern,
  type Reader,
  type ResolvedRange,
  type StorageDriver,
} from '../../core';
import { ProcessLocks } from '../process-locks';
import { GrowableBuffer } from './growable-buffer';

interface Entry {
  data: Buffer;
  modifiedAt: Date;
  etag: string;
}

const STREAM_CHUNK = 64 * 1024;

/** The reference backend: a Map in this process. Locks are leases with the same rules as elsewhere. */
export class MemoryDriver implements StorageDriver {
  readonly backend = 'memory';
  readonly pathRules = {};
  readonly location = 'memory';
  private readonly files = new Map<string, Entry>();
  private readonly locks = new ProcessLocks();

  async lock(path: string, ttlMs: number): Promise<DriverLock | undefined> {
    return this.locks.acquire(path, ttlMs);
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const entry = this.files.get(path);
    return (
      entry && { path, size: entry.data.length, modifiedAt: entry.modifiedAt, etag: entry.etag }
    );
  }

  async read(path: string, range: ResolvedRange): Promise<Buffer | undefined> {
    const entry = this.files.get(path);
    if (!entry) return undefined;
    const { start, end } = clampRange(range, entry.data.length);
    return Buffer.from(entry.data.subarray(start, end));
  }

  async openReadStream(path: string, range: ResolvedRange): Promise<Readable | undefined> {
    const entry = this.files.get(path);
    if (!entry) return undefined;
    const { start, end } = clampRange(range, entry.data.length);
    const data = entry.data;
    return Readable.from(
      (function* () {
        for (let at = start; at < end; at += STREAM_CHUNK)
          yield Buffer.from(data.subarray(at, Math.min(end, at + STREAM_CHUNK)));
      })(),
      { objectMode: false },
    );
  }

  async openReader(path: string): Promise<Reader | undefined> {
    const entry = this.files.get(path);
    if (!entry) return undefined;
    const data = entry.data; // a snapshot: commits replace the Buffer, never change it
    return {
      size: data.length,
      modifiedAt: entry.modifiedAt,
      etag: entry.etag,
      read: async (position, length) => Buffer.from(data.subarray(position, position + length)),
      close: async () => undefined,
    };
  }

  async createDraft(path: string, lock: DriverLock, start: 'empty' | 'current'): Promise<Draft> {
    const content = new GrowableBuffer(
      start === 'current' ? this.files.get(path)?.data : undefined,
    );
    let done = false;
    return {
      get size() {
        return content.size;
      },
      read: async (position, length) => content.read(position, length),
      write: async (position, data) => content.write(position, data),
      truncate: async (size) => content.truncate(size),
      commit: async () => {
        if (done) return;
        done = true;
        this.assertHolder(lock);
        this.put(path, content.toBuffer());
      },
      discard: async () => {
        done = true;
      },
    };
  }

  async *list(pattern: Pattern): AsyncIterable<string> {
    for (const path of [...this.files.keys()]) if (path.startsWith(pattern.prefix)) yield path;
  }

  async deleteLocked(path: string): Promise<boolean> {
    return this.files.delete(path);
  }

  async copyLocked(from: string, to: string): Promise<boolean> {
    const entry = this.files.get(from);
    if (!entry) return false;
    this.put(to, entry.data);
    return true;
  }

  async moveLocked(from: string, to: string): Promise<boolean> {
    const entry = this.files.get(from);
    if (!entry) return false;
    this.files.set(to, entry);
    this.files.delete(from);
    return true;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  private put(path: string, data: Buffer): void {
    this.files.set(path, { data, modifiedAt: new Date(), etag: `"${randomUUID()}"` });
  }

  private assertHolder(lock: DriverLock): void {
    if (!this.locks.holds(lock)) throw lockLostError(lock.path);
  }
}

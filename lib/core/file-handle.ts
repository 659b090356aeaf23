import type { Draft, Reader } from './driver';
import {
  FileClosedError,
  lockLostError,
  InvalidArgumentError,
  UnsupportedOperationError,
} from './errors';
import type { FileLike, Whence } from './file-like';
import type { FileStat } from './file-stat';
import type { Lease } from './lease';
import type { ModeSpec, OpenMode } from './modes';
import { checkCount, toBuffer } from './data';

/** What a handle needs from the file system that opened it. */
export interface HandleHost {
  /** Runs a backend call, typing its errors. */
  guard<T>(path: string, action: () => Promise<T>): Promise<T>;
  forget(handle: FileHandle): void;
}

type Source = { kind: 'reader'; reader: Reader } | { kind: 'draft'; draft: Draft; lease: Lease };

/** The one `FileLike` of every backend: position and mode rules over a driver's Reader or Draft. */
export class FileHandle implements FileLike {
  private position: number;
  /** How the handle ends, once `close`, `abort` or `shutdown` was called. */
  private ending?: { kind: 'close' | 'abort' | 'shutdown'; done: Promise<void> };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly host: HandleHost,
    readonly path: string,
    private readonly spec: ModeSpec,
    private readonly source: Source,
  ) {
    this.position = spec.append ? this.size : 0;
  }

  get mode(): OpenMode {
    return this.spec.mode;
  }

  get closed(): boolean {
    return this.ending !== undefined;
  }

  tell(): number {
    this.assertOpen();
    return this.position;
  }

  read(size: number = -1): Promise<Buffer> {
    return this.run(async () => {
      const count = checkCount('size', size, { allowMinusOne: true });
      if (!this.spec.readable) {
        throw new UnsupportedOperationError(
          `'${this.path}' is open in mode '${this.mode}', which cannot read`,
          { path: this.path },
        );
      }
      const available = Math.max(0, this.size - this.position);
      const length = count === -1 ? available : Math.min(count, available);
      if (length === 0) return Buffer.alloc(0);
      const data = await this.host.guard(this.path, () =>
        this.source.kind === 'reader'
          ? this.source.reader.read(this.position, length)
          : this.source.draft.read(this.position, length),
      );
      this.position += data.length;
      return data;
    });
  }

  write(data: Uint8Array | string): Promise<number> {
    return this.run(async () => {
      const draft = this.writableDraft('write');
      const buffer = toBuffer(data, this.path);
      if (this.spec.append) this.position = draft.size;
      if (buffer.length > 0)
        await this.host.guard(this.path, () => draft.write(this.position, buffer));
      this.position += buffer.length;
      return buffer.length;
    });
  }

  stat(): FileStat {
    if (this.source.kind === 'draft') return { path: this.path, size: this.source.draft.size };
    const { size, modifiedAt, etag } = this.source.reader;
    const stat: FileStat = { path: this.path, size };
    if (modifiedAt !== undefined) stat.modifiedAt = new Date(modifiedAt.getTime());
    if (etag !== undefined) stat.etag = etag;
    return stat;
  }

  seek(offset: number, whence: Whence = 'start'): Promise<number> {
    return this.run(async () => {
      if (typeof offset !== 'number' || !Number.isSafeInteger(offset)) {
        throw new InvalidArgumentError(`offset must be a whole number, not ${String(offset)}`, {
          path: this.path,
        });
      }
      const base =
        whence === 'start'
          ? 0
          : whence === 'current'
            ? this.position
            : whence === 'end'
              ? this.size
              : undefined;
      if (base === undefined) {
        throw new InvalidArgumentError(
          `whence must be 'start', 'current' or 'end', not ${String(whence)}`,
          { path: this.path },
        );
      }
      const next = base + offset;
      if (next < 0)
        throw new InvalidArgumentError(`cannot seek before the start of the file (to ${next})`, {
          path: this.path,
        });
      this.position = next;
      return next;
    });
  }

  truncate(size?: number): Promise<void> {
    return this.run(async () => {
      const draft = this.writableDraft('truncate');
      const target = size === undefined ? this.position : checkCount('size', size);
      await this.host.guard(this.path, () => draft.truncate(target));
    });
  }

  close(): Promise<void> {
    if (this.ending) return this.afterEnding();
    this.ending = { kind: 'close', done: this.settle(() => this.commit()) };
    return this.ending.done;
  }

  abort(): Promise<void> {
    return this.discard('abort');
  }

  /**
   * Discards because the file system is closing. A later `close()` of a writer rejects: its
   * caller must not believe the writes were committed.
   */
  shutdown(): Promise<void> {
    return this.discard('shutdown');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** What `close()` gives once the handle is ending: the same outcome, never a false commit. */
  private afterEnding(): Promise<void> {
    const { kind, done } = this.ending!;
    if (kind === 'close') return done;
    const settled = done.catch(() => undefined);
    if (kind === 'abort' || this.source.kind === 'reader') return settled;
    return settled.then(() => {
      throw new FileClosedError(
        `The file system was closed while '${this.path}' was open for writing; nothing was committed, and the handle`,
        { path: this.path },
      );
    });
  }

  private discard(kind: 'abort' | 'shutdown'): Promise<void> {
    if (this.ending) return this.ending.done.catch(() => undefined);
    this.ending = {
      kind,
      done: this.settle(async () => {
        if (this.source.kind === 'reader') {
          await this.source.reader.close().catch(() => undefined);
          return;
        }
        const { draft, lease } = this.source;
        try {
          await this.host.guard(this.path, () => draft.discard());
        } finally {
          await lease.release();
        }
      }),
    };
    return this.ending.done;
  }

  private async commit(): Promise<void> {
    if (this.source.kind === 'reader') {
      const { reader } = this.source;
      await this.host.guard(this.path, () => reader.close());
      return;
    }
    const { draft, lease } = this.source;
    try {
      await lease.settle();
      if (lease.lost) {
        await draft.discard().catch(() => undefined);
        throw lockLostError(this.path);
      }
      try {
        await this.host.guard(this.path, () => draft.commit());
      } catch (error) {
        await draft.discard().catch(() => undefined);
        throw error;
      }
    } finally {
      await lease.release();
    }
  }

  private get size(): number {
    return this.source.kind === 'reader' ? this.source.reader.size : this.source.draft.size;
  }

  private writableDraft(operation: string): Draft {
    if (!this.spec.writable || this.source.kind !== 'draft') {
      throw new UnsupportedOperationError(
        `'${this.path}' is open in mode '${this.mode}', which cannot ${operation}`,
        { path: this.path },
      );
    }
    return this.source.draft;
  }

  private assertOpen(): void {
    if (this.ending) throw new FileClosedError(`The handle of '${this.path}'`, { path: this.path });
  }

  /** Runs one operation after the previous ones, so that calls never interleave. */
  private run<T>(operation: () => Promise<T>): Promise<T> {
    let result: Promise<T>;
    try {
      this.assertOpen();
      result = this.queue.then(operation, operation);
    } catch (error) {
      result = Promise.reject(error);
    }
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Runs the final close/abort after pending operations, whatever they gave. */
  private settle(operation: () => Promise<void>): Promise<void> {
    const result = this.queue.then(operation, operation).finally(() => {
      this.host.forget(this);
    });
    this.queue = result.catch(() => undefined);
    return result;
  }
}

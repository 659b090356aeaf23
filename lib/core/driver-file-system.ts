import type { Readable, Writable } from 'node:stream';
import { checkCount, toBuffer } from './data';
import type { Draft, DriverLock, StorageDriver } from './driver';
import {
  BlockingIOError,
  FileClosedError,
  FileExistsError,
  FileNotFoundError,
  FileSystemError,
  InvalidArgumentError,
} from './errors';
import { FileHandle, type HandleHost } from './file-handle';
import type { FileLike } from './file-like';
import { FileLikeSystem } from './file-like-system';
import type { FileStat } from './file-stat';
import { Lease } from './lease';
import { parseMode, type OpenMode } from './modes';
import {
  DEFAULT_LOCK_TTL_MS,
  type OpenOptions,
  type RmOptions,
  type WriteFileOptions,
  type WriteStreamOptions,
} from './options';
import { normalizePath } from './paths';
import { compilePattern, type Pattern } from './patterns';
import { resolveRange, type ByteRange } from './ranges';
import { sortPaths } from './sort-paths';
import { writableFor } from './write-stream';

export interface DriverFileSystemOptions {
  lockTtlMs?: number;
  /** Smallest and largest lease the backend allows (Azure: 15 000–60 000 ms). */
  lockTtlBounds?: { min: number; max: number };
  /** Chunk of `openWriteStream` buffering, in bytes. */
  streamChunkBytes?: number;
}

const LOCK_RETRY_MIN_MS = 10;
const LOCK_RETRY_MAX_MS = 250;

/**
 * The facade every backend shares (flydrive-style): it checks and normalises arguments, applies
 * the lock policy of DESIGN §4, keeps handle state, and types every error the driver throws.
 */
export class DriverFileSystem extends FileLikeSystem implements HandleHost {
  readonly backend: string;
  readonly lockTtlMs: number;
  private readonly handles = new Set<FileHandle>();
  private readonly streamChunkBytes: number;
  private closed = false;

  constructor(
    readonly driver: StorageDriver,
    options: DriverFileSystemOptions = {},
  ) {
    super();
    this.backend = driver.backend;
    this.lockTtlMs = checkLockTtl(options.lockTtlMs, options.lockTtlBounds);
    this.streamChunkBytes = options.streamChunkBytes ?? 1024 * 1024;
  }

  open(path: string, mode?: OpenMode, options?: OpenOptions): Promise<FileLike>;
  open<T>(
    path: string,
    mode: OpenMode,
    body: (file: FileLike) => Promise<T>,
    options?: OpenOptions,
  ): Promise<T>;
  async open<T>(
    path: string,
    mode: OpenMode = 'r',
    bodyOrOptions?: ((file: FileLike) => Promise<T>) | OpenOptions,
    maybeOptions?: OpenOptions,
  ): Promise<FileLike | T> {
    const body = typeof bodyOrOptions === 'function' ? bodyOrOptions : undefined;
    const options = typeof bodyOrOptions === 'function' ? maybeOptions : bodyOrOptions;
    if (
      bodyOrOptions !== undefined &&
      bodyOrOptions !== null &&
      typeof bodyOrOptions !== 'function' &&
      typeof bodyOrOptions !== 'object'
    ) {
      throw new InvalidArgumentError(
        `open's third argument must be a function or options, not ${typeof bodyOrOptions}`,
      );
    }
    const handle = await this.openHandle(path, mode, options);
    if (!body) return handle;
    let result: T;
    try {
      result = await body(handle);
    } catch (error) {
      await handle.abort().catch(() => undefined);
      throw error;
    }
    await handle.close();
    return result;
  }

  async ls(pattern = '*'): Promise<string[]> {
    this.assertOpen();
    const compiled = this.pattern(pattern);
    const found: string[] = [];
    for await (const batch of this.matchBatches(compiled)) {
      for (const path of batch) found.push(path);
    }
    // Every match starts with the pattern's literal prefix. A listing may repeat a path (Redis
    // SCAN while the server rehashes).
    sortPaths(found, compiled.prefix.length);
    let kept = 0;
    for (const path of found) if (kept === 0 || path !== found[kept - 1]) found[kept++] = path;
    found.length = kept;
    return found;
  }

  async *scan(pattern = '*'): AsyncIterable<string> {
    this.assertOpen();
    const compiled = this.pattern(pattern);
    // Straight from the batches: every generator between them and the caller costs each path a step.
    for await (const batch of this.matchBatches(compiled)) for (const path of batch) yield path;
  }

  async rm(target: string | string[], options: RmOptions = {}): Promise<number> {
    this.assertOpen();
    const missingOk = checkFlag('missingOk', checkOptions('rm', options).missingOk);
    const targets = Array.isArray(target) ? target : [target];
    if (targets.length === 0) return 0;
    const patterns = targets.map((t) => this.pattern(t));
    // A missing plain path fails before anything is removed.
    if (!missingOk) {
      for (const p of patterns) {
        if (p.exact !== undefined && !(await this.existsForWrite(p.exact)))
          throw new FileNotFoundError(p.exact);
      }
    }
    let removed = 0;
    const locked: string[] = [];
    const seen = new Set<string>();
    for (const p of patterns) {
      const batches = p.exact !== undefined ? [[p.exact]] : this.matchBatches(p);
      for await (const batch of batches) {
        for (const path of batch) {
          if (seen.has(path)) continue;
          seen.add(path);
          const outcome = await this.removeOne(path);
          if (outcome === 'deleted') removed++;
          else if (outcome === 'locked') locked.push(path);
        }
      }
    }
    if (locked.length > 0) {
      throw new BlockingIOError(locked, {
        message: `Removed ${removed}; ${locked.length} locked by another writer: ${locked.map((p) => `'${p}'`).join(', ')}`,
      });
    }
    return removed;
  }

  async exists(path: string): Promise<boolean> {
    this.assertOpen();
    return this.existsNormalized(this.normalize(path));
  }

  async stat(path: string): Promise<FileStat> {
    this.assertOpen();
    const p = this.normalize(path);
    const stat = await this.guard(p, () => this.driver.stat(p));
    if (!stat) throw new FileNotFoundError(p);
    return stat;
  }

  async readFile(path: string, range?: ByteRange): Promise<Buffer> {
    this.assertOpen();
    const p = this.normalize(path);
    const r = resolveRange(range);
    const data = await this.guard(p, () => this.driver.read(p, r));
    if (!data) throw new FileNotFoundError(p);
    return data;
  }

  async writeFile(
    path: string,
    data: Uint8Array | string,
    options: WriteFileOptions = {},
  ): Promise<void> {
    this.assertOpen();
    const p = this.normalize(path);
    const buffer = toBuffer(data, p);
    const exclusive = checkFlag('exclusive', options?.exclusive);
    if (this.driver.writeWhole) {
      await this.closingDone(p);
      const outcome = await this.guard(p, () => this.driver.writeWhole!(p, buffer, exclusive));
      if (outcome === 'locked') throw new BlockingIOError(p);
      if (outcome === 'exists') throw new FileExistsError(p);
      return;
    }
    const handle = await this.openHandle(p, exclusive ? 'x' : 'w', {}, true);
    try {
      await handle.write(buffer);
    } catch (error) {
      await handle.abort().catch(() => undefined);
      throw error;
    }
    await handle.close();
  }

  async openReadStream(path: string, range?: ByteRange): Promise<Readable> {
    this.assertOpen();
    const p = this.normalize(path);
    const r = resolveRange(range);
    const stream = await this.guard(p, () => this.driver.openReadStream(p, r));
    if (!stream) throw new FileNotFoundError(p);
    // An error while streaming is typed like every other: Node streams fail through destroy().
    const destroy = stream.destroy.bind(stream);
    stream.destroy = (error?: Error) => destroy(error ? this.typeError(error, p) : error);
    return stream;
  }

  async openWriteStream(path: string, options: WriteStreamOptions = {}): Promise<Writable> {
    const mode = checkOptions('openWriteStream', options).mode ?? 'w';
    if (mode !== 'w' && mode !== 'a' && mode !== 'x') {
      throw new InvalidArgumentError(
        `openWriteStream's mode must be 'w', 'a' or 'x', not ${String(mode)}`,
      );
    }
    const handle = await this.openHandle(path, mode, options, true);
    return writableFor(handle, this.streamChunkBytes);
  }

  async cp(from: string, to: string): Promise<void> {
    await this.transfer('cp', from, to);
  }

  async mv(from: string, to: string): Promise<void> {
    await this.transfer('mv', from, to);
  }

  async ping(): Promise<number> {
    this.assertOpen();
    const started = performance.now();
    await this.guard(undefined, () => this.driver.ping());
    return performance.now() - started;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.handles].map((h) => h.shutdown()));
    await this.driver.close();
  }

  // HandleHost

  async guard<T>(path: string | undefined, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw this.typeError(error, path);
    }
  }

  forget(handle: FileHandle): void {
    this.handles.delete(handle);
  }

  // internals

  /** `sequential`: the handle stays internal and only writes forward (write streams, writeFile). */
  private async openHandle(
    path: string,
    mode: unknown,
    options: OpenOptions = {},
    sequential = false,
  ): Promise<FileHandle> {
    this.assertOpen();
    const spec = parseMode(mode);
    const p = this.normalize(path);
    if (options === null || typeof options !== 'object') {
      throw new InvalidArgumentError(
        `open options must be an object, not ${options === null ? 'null' : typeof options}`,
      );
    }
    const waitMs =
      options.lockTimeoutMs === undefined ? 0 : checkCount('lockTimeoutMs', options.lockTimeoutMs);
    if (!spec.writable) {
      const reader = await this.guard(p, () => this.driver.openReader(p));
      if (!reader) throw new FileNotFoundError(p);
      if (this.closed) {
        await reader.close().catch(() => undefined);
        this.assertOpen();
      }
      return this.track(new FileHandle(this, p, spec, { kind: 'reader', reader }));
    }
    const lease = await this.acquire(p, waitMs);
    let draft: Draft | undefined;
    try {
      if (spec.mustExist || spec.mustNotExist) {
        const exists = await this.existsForWrite(p);
        if (spec.mustExist && !exists) throw new FileNotFoundError(p);
        if (spec.mustNotExist && exists) throw new FileExistsError(p);
      }
      draft = await this.guard(p, () =>
        this.driver.createDraft(p, lease.lock, spec.keepContent ? 'current' : 'empty', {
          sequential,
        }),
      );
      this.assertOpen(); // the file system may have closed meanwhile
      return this.track(new FileHandle(this, p, spec, { kind: 'draft', draft, lease }));
    } catch (error) {
      await draft?.discard().catch(() => undefined);
      await lease.release();
      throw error;
    }
  }

  private track(handle: FileHandle): FileHandle {
    this.handles.add(handle);
    return handle;
  }

  /**
   * Waits for this file system's handles of `path` that are closing (a Writable destroyed by
   * `pipeline()` is still aborting when the pipeline rejects), so that the next writer here does
   * not find their lock still held.
   */
  private async closingDone(path: string): Promise<void> {
    const closing = [...this.handles].filter((h) => h.closed && h.path === path);
    // close() on an ending handle waits for it to finish.
    if (closing.length > 0) await Promise.all(closing.map((h) => h.close().catch(() => undefined)));
  }

  /** The driver's lock of `path`, or undefined when another writer holds it. */
  private async tryLock(path: string): Promise<DriverLock | undefined> {
    await this.closingDone(path);
    return this.guard(path, () => this.driver.lock(path, this.lockTtlMs));
  }

  /** Takes the lock of `path`, waiting up to `waitMs` for another writer to let go. */
  private async acquire(path: string, waitMs: number): Promise<Lease> {
    const deadline = Date.now() + waitMs;
    let pause = LOCK_RETRY_MIN_MS;
    for (;;) {
      this.assertOpen();
      const started = Date.now();
      const lock = await this.tryLock(path);
      if (lock) return new Lease(lock, this.lockTtlMs, started);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new BlockingIOError(path, {
          message: `'${path}' is locked by another writer${waitMs > 0 ? ` (waited ${waitMs} ms)` : ''}`,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
      pause = Math.min(pause * 2, LOCK_RETRY_MAX_MS);
    }
  }

  private async removeOne(path: string): Promise<'deleted' | 'missing' | 'locked'> {
    await this.closingDone(path);
    if (this.driver.deleteUnlocked)
      return this.guard(path, () => this.driver.deleteUnlocked!(path));
    const lock = await this.tryLock(path);
    if (!lock) return 'locked';
    try {
      return (await this.guard(path, () => this.driver.deleteLocked(path, lock)))
        ? 'deleted'
        : 'missing';
    } finally {
      await lock.release().catch(() => undefined);
    }
  }

  private async transfer(kind: 'cp' | 'mv', from: string, to: string): Promise<void> {
    this.assertOpen();
    const src = this.normalize(from);
    const dst = this.normalize(to);
    // Leases, not bare locks: a long copy keeps its locks renewed (drivers check them at the end).
    const leases: Lease[] = [];
    try {
      for (const p of src === dst ? [src] : [src, dst]) {
        const started = Date.now();
        const lock = await this.tryLock(p);
        if (!lock) throw new BlockingIOError(p);
        leases.push(new Lease(lock, this.lockTtlMs, started));
      }
      if (src === dst) {
        if (!(await this.existsForWrite(src))) throw new FileNotFoundError(src);
        return;
      }
      const locks = { from: leases[0].lock, to: leases[1].lock };
      const done = await this.guard(src, () =>
        kind === 'cp'
          ? this.driver.copyLocked(src, dst, locks)
          : this.driver.moveLocked(src, dst, locks),
      );
      if (!done) throw new FileNotFoundError(src);
    } finally {
      await Promise.all(leases.map((l) => l.release()));
    }
  }

  /** The paths matching `pattern`, a batch at a time when the driver lists in batches. */
  private async *matchBatches(pattern: Pattern): AsyncIterable<string[]> {
    if (pattern.exact !== undefined) {
      if (await this.existsNormalized(pattern.exact)) yield [pattern.exact];
      return;
    }
    const source: AsyncIterable<string | string[]> = this.driver.listBatches
      ? this.driver.listBatches(pattern)
      : this.driver.list(pattern);
    const iterator = source[Symbol.asyncIterator]();
    const exact = this.driver.listsExactly?.(pattern) ?? false;
    for (;;) {
      const next = await this.guard(pattern.source, () => iterator.next());
      if (next.done) return;
      const batch = typeof next.value === 'string' ? [next.value] : next.value;
      const matching = exact ? batch : batch.filter((path) => pattern.matches(path));
      if (matching.length > 0) yield matching;
    }
  }

  private async existsNormalized(path: string): Promise<boolean> {
    return (await this.guard(path, () => this.driver.stat(path))) !== undefined;
  }

  private async existsForWrite(path: string): Promise<boolean> {
    const { driver } = this;
    if (!driver.existsForWrite) return this.existsNormalized(path);
    return this.guard(path, () => driver.existsForWrite!(path));
  }

  private normalize(path: string): string {
    return normalizePath(path, this.driver.pathRules);
  }

  private pattern(pattern: string): Pattern {
    return compilePattern(pattern, this.driver.pathRules);
  }

  private assertOpen(): void {
    if (this.closed) throw new FileClosedError(`The ${this.backend} file system`);
  }

  private typeError(error: unknown, path: string | undefined): Error {
    if (error instanceof FileSystemError) return error;
    const typed = this.driver.translateError?.(error, path);
    if (typed) return typed;
    const message = error instanceof Error ? error.message : String(error);
    return new FileSystemError(
      'EIO',
      `${this.backend} backend failed${path ? ` on '${path}'` : ''}: ${message}`,
      {
        path,
        cause: error,
      },
    );
  }
}

export function checkLockTtl(value: unknown, bounds = { min: 1, max: 24 * 3600_000 }): number {
  if (value === undefined) return Math.min(Math.max(DEFAULT_LOCK_TTL_MS, bounds.min), bounds.max);
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value < bounds.min ||
    value > bounds.max
  ) {
    throw new InvalidArgumentError(
      `lockTtlMs must be a whole number of ms from ${bounds.min} to ${bounds.max}, not ${String(value)}`,
    );
  }
  return value;
}

function checkOptions<T extends object>(operation: string, options: T): T {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(
      `${operation} options must be an object, not ${options === null ? 'null' : typeof options}`,
    );
  }
  return options;
}

function checkFlag(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw new InvalidArgumentError(`${name} must be a boolean, not ${typeof value}`);
  return value;
}

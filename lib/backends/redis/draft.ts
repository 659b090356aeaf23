import type { Redis } from 'ioredis';
import { FileSystemError, lockLostError, type Draft } from '../../core';
import { CHUNK_BYTES, checkSize, orphanTtlMs } from './limits';
import type { RedisLock } from './lock';
import { appendChunk } from './append';
import { foreignKeyError } from './redis-errors';
import { COMMIT, DRAFT_FROM_CURRENT, TEMP_SET_RANGE, TEMP_TRUNCATE } from './scripts';
import { TailBuffer } from './tail-buffer';

export interface DraftTarget {
  client: Redis;
  path: string;
  dataKey: string;
  /** In the data key's slot; expires by itself if this process dies. */
  tempKey: string;
  lock: RedisLock;
  ttlSeconds?: number;
}

/**
 * The uncommitted content of a file: a temp key on the server that receives APPENDed chunks,
 * followed by a tail of at most about one chunk buffered here. A draft that never outgrew the
 * tail is committed by SET; a bigger one by RENAME of the temp key. Both in one script that
 * first checks that the lock is still ours.
 */
export class RedisDraft implements Draft {
  private readonly tail = new TailBuffer();
  /** Bytes in the temp key. */
  private flushed: number;
  private created: boolean;
  private state: 'open' | 'committed' | 'discarded' = 'open';
  /** A server call that changed the temp key failed: its content is unknown, never commit it. */
  private broken?: unknown;

  private constructor(
    private readonly t: DraftTarget,
    size: number,
    created: boolean,
  ) {
    this.flushed = size;
    this.created = created;
    if (created) t.lock.attach(t.tempKey);
  }

  static async create(t: DraftTarget, start: 'empty' | 'current'): Promise<RedisDraft> {
    if (start === 'current') {
      const size = Number(
        await DRAFT_FROM_CURRENT.run(t.client, [t.dataKey, t.tempKey], [orphanTtlMs(t.lock.ttlMs)]),
      );
      if (size >= 0) return new RedisDraft(t, size, true);
    }
    return new RedisDraft(t, 0, false);
  }

  get size(): number {
    return this.flushed + this.tail.length;
  }

  async read(position: number, length: number): Promise<Buffer> {
    this.assertUsable();
    if (position >= this.flushed) {
      const at = position - this.flushed;
      return Buffer.from(this.tail.content().subarray(at, at + length));
    }
    await this.flush();
    const data = await this.t.client.getrangeBuffer(
      this.t.tempKey,
      position,
      position + length - 1,
    );
    if (data.length !== Math.min(length, this.size - position))
      this.fail(lockLostError(this.t.path));
    return data;
  }

  async write(position: number, data: Buffer): Promise<void> {
    this.assertUsable();
    const end = position + data.length;
    checkSize(this.t.path, Math.max(this.size, end));
    if (position === this.size) {
      if (data.length >= CHUNK_BYTES) {
        await this.flush();
        await this.append(data);
        return;
      }
      if (this.tail.length + data.length > CHUNK_BYTES) await this.flush();
      this.tail.append(data); // a copy: the caller may reuse its buffer
      return;
    }
    if (position >= this.flushed && end - this.flushed <= CHUNK_BYTES) {
      const tail = this.tail.resize(Math.max(this.tail.length, end - this.flushed));
      data.copy(tail, position - this.flushed);
      return;
    }
    await this.flush();
    const expected = Math.max(this.flushed, end);
    const length = await this.change(() =>
      TEMP_SET_RANGE.run(
        this.t.client,
        [this.t.tempKey],
        [position, data, this.orphanTtl, this.flushed],
      ),
    );
    this.afterChange(length, expected);
  }

  async truncate(size: number): Promise<void> {
    this.assertUsable();
    checkSize(this.t.path, size);
    if (size >= this.flushed && size - this.flushed <= CHUNK_BYTES) {
      this.tail.resize(size - this.flushed);
      return;
    }
    await this.flush();
    const length = await this.change(() =>
      TEMP_TRUNCATE.run(this.t.client, [this.t.tempKey], [size, this.orphanTtl, this.flushed]),
    );
    this.afterChange(length, size);
  }

  async commit(): Promise<void> {
    if (this.state !== 'open') return;
    this.assertUsable();
    const { client, lock, dataKey, tempKey } = this.t;
    const mode = this.created ? 'rename' : 'set';
    const reply = await COMMIT.run(
      client,
      [lock.key, dataKey, tempKey, lock.legacyKey],
      [lock.token, mode, this.tail.content(), String(this.t.ttlSeconds ?? 0), '1', this.flushed],
    );
    if (typeof reply === 'string') throw foreignKeyError(this.t.path, reply);
    if (reply !== 1) throw lockLostError(this.t.path);
    this.state = 'committed';
    this.tail.release();
    lock.releasedByCommit();
    lock.detach(tempKey);
  }

  async discard(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'discarded';
    this.tail.release();
    this.t.lock.detach(this.t.tempKey);
    // An unreachable server drops the temp key by itself when it expires.
    if (this.created) await this.t.client.del(this.t.tempKey).catch(() => undefined);
  }

  private get orphanTtl(): number {
    return orphanTtlMs(this.t.lock.ttlMs);
  }

  private async flush(): Promise<void> {
    if (this.tail.length === 0) return;
    // The view is reused only after the server answered: by then the socket is done with it.
    await this.append(this.tail.content());
    this.tail.clear();
  }

  private async append(data: Buffer): Promise<void> {
    const expected = this.flushed + data.length;
    const length = await this.change(() =>
      appendChunk(this.t.client, this.t.tempKey, data, this.orphanTtl, this.flushed),
    );
    this.afterChange(length, expected);
  }

  /** Runs a call that changes the temp key; if it fails, the draft can no longer be trusted. */
  private async change(call: () => Promise<unknown>): Promise<number> {
    try {
      return Number(await call());
    } catch (error) {
      this.broken = error;
      throw error;
    }
  }

  private afterChange(length: number, expected: number): void {
    if (!this.created) {
      this.created = true;
      this.t.lock.attach(this.t.tempKey);
    }
    // -1: the temp key was not what this draft had sent (see the scripts' expected length).
    if (length !== expected) this.fail(lockLostError(this.t.path));
    this.flushed = length;
  }

  private fail(error: Error): never {
    this.broken = error;
    throw error;
  }

  private assertUsable(): void {
    if (this.broken === undefined) return;
    throw new FileSystemError(
      'EIO',
      `'${this.t.path}' cannot be committed: an earlier change to its uncommitted content failed`,
      { path: this.t.path, cause: this.broken },
    );
  }
}

import type { Readable } from 'node:stream';
import {
  FileSystemError,
  lockLostError,
  type Draft,
  type DriverLock,
  type FileStat,
  type Pattern,
  type Reader,
  type ResolvedRange,
  type StorageDriver,
} from '../../core';
import type { RedisConnection } from './connection';
import { RedisDraft } from './draft';
import { REDIS_PATH_RULES, RedisKeys } from './keys';
import { CHUNK_BYTES, checkSize } from './limits';
import { scanKeys } from './list';
import { asRedisLock, newToken, RedisLock } from './lock';
import { snapshotStream } from './read-stream';
import { snapshotReader } from './reader';
import { foreignKeyError, otherRedisError, translateRedisError } from './redis-errors';
import { DELETE_LOCKED, DELETE_UNLOCKED, READ_RANGE, STAT, TYPE_OF, WRITE_WHOLE } from './scripts';
import { takeSnapshot } from './snapshot';
import { transfer } from './transfer';

/** Redis (one server or a Cluster) as DESIGN §5 lays it out: a string per file. */
export class RedisDriver implements StorageDriver {
  readonly backend = 'redis';
  readonly pathRules = REDIS_PATH_RULES;
  readonly location: string;
  private readonly keys: RedisKeys;
  private readonly ttlSeconds?: number;

  constructor(
    private readonly connection: RedisConnection,
    options: { keyPrefix: string; ttlSeconds?: number },
  ) {
    this.location = connection.location;
    this.keys = new RedisKeys(options.keyPrefix);
    this.ttlSeconds = options.ttlSeconds;
  }

  private get client() {
    return this.connection.client;
  }

  lock(path: string, ttlMs: number): Promise<DriverLock | undefined> {
    return RedisLock.acquire(
      this.client,
      path,
      {
        lock: this.keys.lock(path),
        legacyLock: this.keys.legacyLock(path),
        data: this.keys.data(path),
      },
      ttlMs,
    );
  }

  /** A key of another kind than a string is not a file: no call may write or delete it. */
  async existsForWrite(path: string): Promise<boolean> {
    const kind = String(await TYPE_OF.run(this.client, [this.keys.data(path)], []));
    if (kind === 'none') return false;
    if (kind === 'string') return true;
    throw foreignKeyError(path, kind);
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const size = Number(await STAT.run(this.client, [this.keys.data(path)], []));
    return size < 0 ? undefined : { path, size };
  }

  async read(path: string, range: ResolvedRange): Promise<Buffer | undefined> {
    const key = this.keys.data(path);
    if (range.start === 0 && range.end === undefined) {
      return (await this.client.getBuffer(key)) ?? undefined;
    }
    const empty = range.end !== undefined && range.end <= range.start;
    const reply = (await READ_RANGE.runBuffer(
      this.client,
      [key],
      [range.start, range.end === undefined ? -1 : range.end - 1, empty ? '1' : '0'],
    )) as Buffer | null;
    return reply ?? undefined;
  }

  async openReadStream(path: string, range: ResolvedRange): Promise<Readable | undefined> {
    const snapshot = await takeSnapshot(
      this.client,
      path,
      this.snapshotKeys(path),
      range,
      CHUNK_BYTES,
    );
    return snapshot && snapshotStream(snapshot, (error) => this.typed(error, path));
  }

  async openReader(path: string): Promise<Reader | undefined> {
    const snapshot = await takeSnapshot(
      this.client,
      path,
      this.snapshotKeys(path),
      { start: 0 },
      CHUNK_BYTES,
    );
    return snapshot && snapshotReader(snapshot);
  }

  createDraft(path: string, lock: DriverLock, start: 'empty' | 'current'): Promise<Draft> {
    return RedisDraft.create(
      {
        client: this.client,
        path,
        dataKey: this.keys.data(path),
        tempKey: this.keys.temp(path, newToken()),
        lock: asRedisLock(lock),
        ttlSeconds: this.ttlSeconds,
      },
      start,
    );
  }

  async *list(pattern: Pattern): AsyncIterable<string> {
    for await (const batch of this.listBatches(pattern)) yield* batch;
  }

  /** One batch per SCAN reply: a long listing costs no async step per key. */
  async *listBatches(pattern: Pattern): AsyncIterable<string[]> {
    for await (const keys of scanKeys(this.connection, this.keys.match(pattern))) {
      const paths: string[] = [];
      for (const key of keys) {
        const path = this.keys.pathOf(key);
        if (path !== undefined) paths.push(path);
      }
      if (paths.length > 0) yield paths;
    }
  }

  /** SCAN's MATCH is exact but for `?`, which it widens to `*` (see `RedisKeys.match`). */
  listsExactly(pattern: Pattern): boolean {
    return pattern.tokens.every((token) => token.kind !== 'any');
  }

  async deleteLocked(path: string, lock: DriverLock): Promise<boolean> {
    const { key, token } = asRedisLock(lock);
    const reply = Number(
      await DELETE_LOCKED.run(this.client, [key, this.keys.data(path)], [token]),
    );
    if (reply < 0) throw lockLostError(path);
    return reply === 1;
  }

  copyLocked(from: string, to: string, locks: { from: DriverLock; to: DriverLock }) {
    return this.transfer('cp', from, to, locks);
  }

  moveLocked(from: string, to: string, locks: { from: DriverLock; to: DriverLock }) {
    return this.transfer('mv', from, to, locks);
  }

  async writeWhole(
    path: string,
    data: Buffer,
    exclusive: boolean,
  ): Promise<'written' | 'locked' | 'exists'> {
    checkSize(path, data.length);
    const reply = await WRITE_WHOLE.run(
      this.client,
      [this.keys.lock(path), this.keys.data(path), this.keys.legacyLock(path)],
      [data, exclusive ? '1' : '0', String(this.ttlSeconds ?? 0)],
    );
    if (reply === 'written' || reply === 'locked' || reply === 'exists') return reply;
    throw foreignKeyError(path, String(reply));
  }

  async deleteUnlocked(path: string): Promise<'deleted' | 'missing' | 'locked'> {
    const reply = await DELETE_UNLOCKED.run(
      this.client,
      [this.keys.lock(path), this.keys.data(path), this.keys.legacyLock(path)],
      [],
    );
    if (reply === 'deleted' || reply === 'missing' || reply === 'locked') return reply;
    throw foreignKeyError(path, String(reply));
  }

  ping(): Promise<void> {
    return this.connection.ping();
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  translateError(error: unknown, path?: string): Error {
    return translateRedisError(error, this.location, path) ?? otherRedisError(error, path);
  }

  private transfer(
    kind: 'cp' | 'mv',
    from: string,
    to: string,
    locks: { from: DriverLock; to: DriverLock },
  ): Promise<boolean> {
    return transfer(
      {
        client: this.client,
        cluster: this.connection.cluster !== undefined,
        keys: this.keys,
        ttlSeconds: this.ttlSeconds,
      },
      kind,
      from,
      to,
      { from: asRedisLock(locks.from), to: asRedisLock(locks.to) },
    );
  }

  private snapshotKeys(path: string): { data: string; snapshot: string } {
    return { data: this.keys.data(path), snapshot: this.keys.snapshot(path, newToken()) };
  }

  /** An error for a stream's consumer, typed as the facade would. */
  private typed(error: unknown, path: string): Error {
    return error instanceof FileSystemError ? error : this.translateError(error, path);
  }
}

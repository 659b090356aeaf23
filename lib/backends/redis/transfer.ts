import type { Redis } from 'ioredis';
import { FileNotFoundError, lockLostError } from '../../core';
import { keySlot } from './key-slot';
import type { RedisKeys } from './keys';
import { CHUNK_BYTES, orphanTtlMs } from './limits';
import { newToken, type RedisLock } from './lock';
import { appendChunk } from './append';
import { foreignKeyError } from './redis-errors';
import { COMMIT, COPY_SAME_SLOT, DELETE_LOCKED, MOVE_SAME_SLOT, STAT } from './scripts';

export interface TransferContext {
  client: Redis;
  /** Keys in different slots cannot meet in one script. */
  cluster: boolean;
  keys: RedisKeys;
  ttlSeconds?: number;
}

/**
 * cp or mv under both locks. On one server, or when both keys share a cluster slot, one script
 * COPYs or RENAMEs. Across slots the value goes through here a chunk at a time into a temp key
 * in the target's slot, which is then RENAMEd over the target; mv then deletes the source.
 */
export async function transfer(
  ctx: TransferContext,
  kind: 'cp' | 'mv',
  from: string,
  to: string,
  locks: { from: RedisLock; to: RedisLock },
): Promise<boolean> {
  const fromKey = ctx.keys.data(from);
  const toKey = ctx.keys.data(to);
  const ttl = String(ctx.ttlSeconds ?? 0);
  if (!ctx.cluster || keySlot(fromKey) === keySlot(toKey)) {
    const script = kind === 'cp' ? COPY_SAME_SLOT : MOVE_SAME_SLOT;
    const reply = await script.run(
      ctx.client,
      [fromKey, toKey, locks.from.key, locks.to.key],
      [ttl, locks.from.token, locks.to.token],
    );
    if (typeof reply === 'string') throw foreignKeyError(to, reply);
    if (reply === -1) throw lockLostError(await lostOne(ctx.client, locks));
    return reply === 1;
  }
  const size = Number(await STAT.run(ctx.client, [fromKey], []));
  if (size < 0) return false;
  await copyAcrossSlots(ctx, from, size, to, locks);
  // The copy is committed; the source goes only while its lock is still ours (else another
  // writer may have replaced it since).
  if (
    kind === 'mv' &&
    Number(await DELETE_LOCKED.run(ctx.client, [locks.from.key, fromKey], [locks.from.token])) ===
      -1
  )
    throw lockLostError(from);
  return true;
}

/** Which of the two paths lost its lock (the source when both did). */
async function lostOne(client: Redis, locks: { from: RedisLock; to: RedisLock }): Promise<string> {
  const fromToken = await client.get(locks.from.key).catch(() => null);
  return fromToken === locks.from.token ? locks.to.path : locks.from.path;
}

async function copyAcrossSlots(
  ctx: TransferContext,
  from: string,
  size: number,
  to: string,
  locks: { from: RedisLock; to: RedisLock },
): Promise<void> {
  const { client } = ctx;
  const fromKey = ctx.keys.data(from);
  const toKey = ctx.keys.data(to);
  const tempKey = ctx.keys.temp(to, newToken());
  const ttl = String(ctx.ttlSeconds ?? 0);
  const lock = locks.to;
  const commit = async (mode: 'set' | 'rename', bytes: Buffer) => {
    const reply = await COMMIT.run(
      client,
      [lock.key, toKey, tempKey, lock.legacyKey],
      [lock.token, mode, bytes, ttl, '0', size],
    );
    if (typeof reply === 'string') throw foreignKeyError(to, reply);
    if (reply !== 1) throw lockLostError(to);
  };
  if (size <= CHUNK_BYTES) {
    await commit('set', await readExactly(client, fromKey, 0, size, from));
    return;
  }
  const orphanTtl = orphanTtlMs(lock.ttlMs);
  let renewedAt = Date.now();
  try {
    for (let at = 0; at < size; at += CHUNK_BYTES) {
      const chunk = await readExactly(client, fromKey, at, Math.min(CHUNK_BYTES, size - at), from);
      if ((await appendChunk(client, tempKey, chunk, orphanTtl, at)) < 0) throw lockLostError(to);
      if (Date.now() - renewedAt > lock.ttlMs / 3) {
        renewedAt = Date.now();
        const [a, b] = await Promise.all([locks.from.renew(), lock.renew()]);
        if (!a) throw lockLostError(locks.from.path);
        if (!b) throw lockLostError(to);
      }
    }
    await commit('rename', Buffer.alloc(0));
  } catch (error) {
    await client.del(tempKey).catch(() => undefined);
    throw error;
  }
}

/** `length` bytes of `key` at `position`; FileNotFoundError when it has fewer. */
export async function readExactly(
  client: Redis,
  key: string,
  position: number,
  length: number,
  from: string,
): Promise<Buffer> {
  const data =
    length === 0
      ? Buffer.alloc(0)
      : await client.getrangeBuffer(key, position, position + length - 1);
  // The source is locked; only its expiry (ttlSeconds) or a restarted server can change it.
  if (data.length !== length) {
    throw new FileNotFoundError(from, {
      message: `'${from}' changed or expired while it was copied`,
    });
  }
  return data;
}

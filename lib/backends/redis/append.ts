import type { Redis } from 'ioredis';

/**
 * APPENDs `data` to a temp key and pushes its expiry forward, both in one round trip and without
 * a script (a chunk through Lua is copied twice more on the server). The new length tells
 * whether the key held exactly what the writer expected: -1 when it did not.
 */
export async function appendChunk(
  client: Redis,
  key: string,
  data: Buffer,
  ttlMs: number,
  expected: number,
): Promise<number> {
  const [length] = await Promise.all([client.append(key, data), client.pexpire(key, ttlMs)]);
  return length === expected + data.length ? length : -1;
}

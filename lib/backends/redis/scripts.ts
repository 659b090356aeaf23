import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run by EVALSHA, falling back to EVAL once when the server does not know it yet. */
export class LuaScript {
  readonly sha: string;

  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(
    client: Redis,
    keys: string[],
    args: Array<string | Buffer | number>,
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.eval(this.lua, keys.length, ...keys, ...args);
    }
  }

  /** Like `run`, with bulk replies as Buffers. */
  async runBuffer(
    client: Redis,
    keys: string[],
    args: Array<string | Buffer | number>,
  ): Promise<unknown> {
    try {
      return await client.callBuffer('evalsha', this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.callBuffer('eval', this.lua, keys.length, ...keys, ...args);
    }
  }
}

function isNoScript(error: unknown): boolean {
  return String((error as Error)?.message).startsWith('NOSCRIPT');
}

/** The TTL policy of a committed file: EXPIRE with ttlSeconds, else PERSIST. ARGV[n] = seconds or '0'. */
const applyTtl = (key: string, arg: string) => `
if ${arg} ~= '0' then redis.call('EXPIRE', ${key}, ${arg}) else redis.call('PERSIST', ${key}) end`;

/**
 * Returns the TYPE of `key` when it holds another kind than a string: another application's
 * key, which aiofs never writes, replaces or deletes.
 */
const refuseForeign = (key: string) => `
local kind = redis.call('TYPE', ${key}).ok
if kind ~= 'string' and kind ~= 'none' then return kind end`;

/** True when neither the lock nor its 0.1 name (see RedisKeys.legacyLock) is held. */
const unlocked = (lock: string, legacy: string) =>
  `redis.call('EXISTS', ${lock}) == 0 and redis.call('EXISTS', ${legacy}) == 0`;

/**
 * KEYS: lock, legacy lock, data; ARGV: token, ttl ms. 1 when taken, 0 when another writer holds
 * it, or the data key's type when it is not a file.
 */
export const ACQUIRE_LOCK = new LuaScript(`${refuseForeign('KEYS[3]')}
if not (${unlocked('KEYS[1]', 'KEYS[2]')}) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1`);

/** KEYS: lock, legacy lock, attached keys…; ARGV: token, lock ttl ms, attached keys' ttl ms. */
export const RENEW_LOCK = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
for i = 3, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return 1`);

/** Deletes the lock (KEYS[n]) and its legacy name (KEYS[m]) where they hold the token ARGV[t]. */
const releaseLock = (lock: string, legacy: string, token: string) => `
for _, k in ipairs({${lock}, ${legacy}}) do
  if redis.call('GET', k) == ${token} then redis.call('DEL', k) end
end`;

/** KEYS: lock, legacy lock; ARGV: token. */
export const RELEASE_LOCK = new LuaScript(`${releaseLock('KEYS[1]', 'KEYS[2]', 'ARGV[1]')}
return 1`);

/**
 * KEYS: lock, data, legacy lock; ARGV: value, exclusive '1'/'0', ttl seconds or '0'. 'written',
 * 'locked', 'exists', or the data key's type when it is not a file.
 */
export const WRITE_WHOLE = new LuaScript(`${refuseForeign('KEYS[2]')}
if not (${unlocked('KEYS[1]', 'KEYS[3]')}) then return 'locked' end
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then return 'exists' end
if ARGV[3] ~= '0' then
  redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])
else
  redis.call('SET', KEYS[2], ARGV[1])
end
return 'written'`);

/**
 * KEYS: lock, data, legacy lock. 'deleted', 'missing', 'locked', or the data key's type when it
 * is not a file.
 */
export const DELETE_UNLOCKED = new LuaScript(`${refuseForeign('KEYS[2]')}
if not (${unlocked('KEYS[1]', 'KEYS[3]')}) then return 'locked' end
if redis.call('EXISTS', KEYS[2]) == 0 then return 'missing' end
redis.call('DEL', KEYS[2])
return 'deleted'`);

/** KEYS: lock, data; ARGV: token. -1 when the lock is not ours. */
export const DELETE_LOCKED = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('TYPE', KEYS[2]).ok ~= 'string' then return 0 end
return redis.call('DEL', KEYS[2])`);

/** KEYS: data. Its TYPE: 'string' for a file, 'none', or another kind (not a file). */
export const TYPE_OF = new LuaScript(`return redis.call('TYPE', KEYS[1]).ok`);

/** KEYS: data. The size, or -1 when there is no file. */
export const STAT = new LuaScript(`
if redis.call('TYPE', KEYS[1]).ok ~= 'string' then return -1 end
return redis.call('STRLEN', KEYS[1])`);

/** KEYS: data; ARGV: start, end inclusive, '1' when the range is empty. Nil when there is no file. */
export const READ_RANGE = new LuaScript(`
local t = redis.call('TYPE', KEYS[1]).ok
if t == 'none' then return false end
if t ~= 'string' then return redis.error_reply('WRONGTYPE Operation against a key holding the wrong kind of value') end
if ARGV[3] == '1' then return '' end
return redis.call('GETRANGE', KEYS[1], ARGV[1], ARGV[2])`);

/**
 * KEYS: data, snapshot; ARGV: start, end ('' = the end), most bytes to return directly, snapshot
 * ttl ms. Nil when there is no file; {size, bytes} when the clamped range is small enough;
 * else {size}, after copying the whole value to the snapshot key.
 */
export const SNAPSHOT = new LuaScript(`
if redis.call('TYPE', KEYS[1]).ok ~= 'string' then return false end
local size = redis.call('STRLEN', KEYS[1])
local e = size
if ARGV[2] ~= '' then e = math.min(tonumber(ARGV[2]), size) end
local s = math.min(tonumber(ARGV[1]), e)
if e - s <= tonumber(ARGV[3]) then
  if e == s then return {size, ''} end
  return {size, redis.call('GETRANGE', KEYS[1], s, e - 1)}
end
redis.call('COPY', KEYS[1], KEYS[2], 'REPLACE')
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {size}`);

/** KEYS: data, temp; ARGV: temp ttl ms. The size copied, or -1 when there is no file. */
export const DRAFT_FROM_CURRENT = new LuaScript(`
if redis.call('TYPE', KEYS[1]).ok ~= 'string' then return -1 end
redis.call('COPY', KEYS[1], KEYS[2], 'REPLACE')
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return redis.call('STRLEN', KEYS[2])`);

/**
 * Refuses (-1) to touch a temp key whose length is not the one its writer expects (ARGV[n]): it
 * expired, a restarted or failed-over server lost part of it, or a command was sent twice.
 * (APPEND needs no script: its new length tells the same, see append.ts.)
 */
const expectLength = (arg: string) => `
if redis.call('STRLEN', KEYS[1]) ~= tonumber(${arg}) then return -1 end`;

/** KEYS: temp; ARGV: offset, bytes, ttl ms, expected length. The new length (a gap is zero-filled), or -1. */
export const TEMP_SET_RANGE = new LuaScript(`${expectLength('ARGV[4]')}
local n = redis.call('SETRANGE', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return n`);

/** KEYS: temp; ARGV: size, ttl ms, expected length. Cuts or zero-extends the value to size; or -1. */
export const TEMP_TRUNCATE = new LuaScript(`${expectLength('ARGV[3]')}
local size = tonumber(ARGV[1])
local len = tonumber(ARGV[3])
if size < len then
  local kept = ''
  if size > 0 then kept = redis.call('GETRANGE', KEYS[1], 0, size - 1) end
  redis.call('SET', KEYS[1], kept, 'PX', ARGV[2])
elseif size > len then
  redis.call('SETRANGE', KEYS[1], size - 1, '\\0')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return redis.call('STRLEN', KEYS[1])`);

/**
 * KEYS: lock, data, temp, legacy lock; ARGV: token, 'set' or 'rename', bytes (the whole value for 'set', the
 * tail still to append for 'rename'), ttl seconds or '0', '1' to release the lock, the temp key's
 * expected length before the tail. 1 when committed; 0 when the lock is not ours; -1 when the
 * temp key is gone or not what its writer sent; the data key's type when another application
 * made it something else than a file meanwhile.
 */
export const COMMIT = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end${refuseForeign('KEYS[2]')}
if ARGV[2] == 'set' then
  redis.call('SET', KEYS[2], ARGV[3])
else
  if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
  if redis.call('STRLEN', KEYS[3]) ~= tonumber(ARGV[6]) then return -1 end
  if #ARGV[3] > 0 then redis.call('APPEND', KEYS[3], ARGV[3]) end
  redis.call('RENAME', KEYS[3], KEYS[2])
end${applyTtl('KEYS[2]', 'ARGV[4]')}
if ARGV[5] == '1' then${releaseLock('KEYS[1]', 'KEYS[4]', 'ARGV[1]')}
end
return 1`);

/** Refuses (-1) unless both locks (KEYS[3], KEYS[4]) still hold their owners' tokens. */
const bothLocksHeld = `
if redis.call('GET', KEYS[3]) ~= ARGV[2] or redis.call('GET', KEYS[4]) ~= ARGV[3] then return -1 end`;

/**
 * KEYS: from, to, from's lock, to's lock (one slot); ARGV: ttl seconds or '0', from's token, to's
 * token. 1 when copied, 0 when there is no source, -1 when a lock was lost, the target's type
 * when it is not a file.
 */
export const COPY_SAME_SLOT = new LuaScript(`${bothLocksHeld}${refuseForeign('KEYS[2]')}
if redis.call('TYPE', KEYS[1]).ok ~= 'string' then return 0 end
redis.call('COPY', KEYS[1], KEYS[2], 'REPLACE')${applyTtl('KEYS[2]', 'ARGV[1]')}
return 1`);

/** KEYS, ARGV and replies as COPY_SAME_SLOT. */
export const MOVE_SAME_SLOT = new LuaScript(`${bothLocksHeld}${refuseForeign('KEYS[2]')}
if redis.call('TYPE', KEYS[1]).ok ~= 'string' then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])${applyTtl('KEYS[2]', 'ARGV[1]')}
return 1`);

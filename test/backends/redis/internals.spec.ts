import { randomBytes } from 'node:crypto';
import {
  BlockingIOError,
  createFileSystem,
  FileNotFoundError,
  InvalidPathError,
  type DriverFileSystem,
} from '../../../lib';
import type { RedisDriver } from '../../../lib/backends/redis';
import { readExactly } from '../../../lib/backends/redis/transfer';
import { caught } from '../../conformance/expect-error';
import { clusterNodes, describeRedis, freshPrefix, useRedis } from './redis-env';

const MiB = 1024 * 1024;

describeRedis("redis: aiofs's own keys", () => {
  const redis = useRedis();

  test('a writer has a lock key and a temp key in its data key’s hash tag, hidden from ls and expiring', async () => {
    const prefix = freshPrefix();
    const raw = redis.raw();
    const fs = await redis.open({ keyPrefix: prefix, lockTtlMs: 10_000 });
    await fs.writeFile('dir/f.txt', 'old');
    const w = await fs.open('dir/f.txt', 'w');
    await w.write(randomBytes(2 * MiB));
    const keys = (await raw.keys(`${prefix}*`)).sort();
    const lockKey = `${prefix}dir:f.txt{${prefix}dir:f.txt}:.aiofs-lock`;
    expect(keys[0]).toBe(`${prefix}dir:f.txt`);
    expect(keys).toContain(lockKey);
    const temp = keys.find((k) =>
      k.startsWith(`${prefix}dir:f.txt{${prefix}dir:f.txt}:.aiofs-tmp:`),
    )!;
    expect(temp).toBeDefined();
    // The lock's name in aiofs 0.1, held too (with the same token) to exclude 0.1 writers.
    const legacyLockKey = `${prefix}{${prefix}dir:f.txt}:.aiofs-lock`;
    expect(keys).toContain(legacyLockKey);
    expect(keys).toHaveLength(4);
    expect(await raw.pttl(lockKey)).toBeGreaterThan(0);
    expect(await raw.pttl(lockKey)).toBeLessThanOrEqual(10_000);
    // the temp key outlives the lock a little, then vanishes if its writer dies
    expect(await raw.pttl(temp)).toBeGreaterThan(10_000);
    expect(await raw.pttl(temp)).toBeLessThanOrEqual(2 * 10_000 + 5000);
    const token = await raw.get(lockKey);
    expect(token!.length).toBeGreaterThanOrEqual(20);
    expect(await raw.get(legacyLockKey)).toBe(token);
    expect(await raw.pttl(legacyLockKey)).toBeGreaterThan(0);
    expect(await raw.pttl(legacyLockKey)).toBeLessThanOrEqual(10_000);

    expect(await fs.ls()).toEqual(['dir/f.txt']);
    expect(await fs.ls('*aiofs*')).toEqual([]);
    for (const path of [
      'dir/f.txt/.aiofs-lock',
      '.aiofs-tmp:x',
      `{${prefix}dir:f.txt}/.aiofs-lock`,
      'dir/{f.txt}',
    ]) {
      expect(await caught(fs.readFile(path))).toBeInstanceOf(InvalidPathError);
      expect(await caught(fs.writeFile(path, 'x'))).toBeInstanceOf(InvalidPathError);
    }
    await w.close();
    expect(await raw.keys(`${prefix}*`)).toEqual([`${prefix}dir:f.txt`]);

    const other = await fs.open('dir/f.txt', 'w');
    expect(await raw.get(lockKey)).not.toBe(token); // a new random token each time
    await other.write(randomBytes(2 * MiB));
    await other.abort();
    expect(await raw.keys(`${prefix}*`)).toEqual([`${prefix}dir:f.txt`]);
  });

  test('renewal and release act only while the lock holds our token', async () => {
    const prefix = freshPrefix();
    const raw = redis.raw();
    const fs = await redis.open({ keyPrefix: prefix });
    await fs.writeFile('f', 'old');
    const w = await fs.open('f', 'w');
    await w.write('mine');
    const lockKey = `${prefix}f{${prefix}f}:.aiofs-lock`;
    await raw.set(lockKey, 'someone-else', 'PX', 60_000); // taken over
    const error = await caught(w.close());
    expect(error).toBeInstanceOf(BlockingIOError);
    expect(error.message).toMatch(/lost/);
    expect((await fs.readFile('f')).toString()).toBe('old');
    expect(await raw.get(lockKey)).toBe('someone-else'); // not released by us
    expect(await caught(fs.writeFile('f', 'x'))).toBeInstanceOf(BlockingIOError);
    await raw.del(lockKey);
  });

  test('readers copy a big file to a snapshot key, kept alive while read and deleted after', async () => {
    const prefix = freshPrefix();
    const raw = redis.raw();
    const fs = await redis.open({ keyPrefix: prefix });
    const data = randomBytes(3 * MiB);
    await fs.writeFile('big', data);
    const snapshots = () => raw.keys(`${prefix}big{${prefix}big}:.aiofs-snap:*`);

    const r = await fs.open('big');
    const [snap] = await snapshots();
    expect(snap).toBeDefined();
    expect(await raw.pttl(snap)).toBeGreaterThan(0);
    expect(await fs.ls()).toEqual(['big']);
    expect((await r.read(10)).equals(data.subarray(0, 10))).toBe(true);
    await r.close();
    expect(await snapshots()).toEqual([]);

    const stream = await fs.openReadStream('big', { start: 5 });
    expect(await snapshots()).toHaveLength(1);
    let total = 0;
    for await (const chunk of stream) total += (chunk as Buffer).length;
    expect(total).toBe(data.length - 5);
    expect(await snapshots()).toEqual([]);

    const abandoned = await fs.openReadStream('big');
    await new Promise((resolve) => abandoned.once('readable', resolve));
    abandoned.destroy();
    await new Promise((resolve) => abandoned.once('close', resolve));
    expect(await snapshots()).toEqual([]);

    // a small file is read at once: no snapshot key
    await fs.writeFile('small', 'tiny');
    const s = await fs.open('small');
    expect(await raw.keys(`${prefix}{*`)).toEqual([]);
    expect((await s.read()).toString()).toBe('tiny');
    await s.close();
  });
});

describeRedis('redis: a temp key or lock that is gone is never committed', () => {
  const redis = useRedis();

  async function writerWithTemp(prefix: string) {
    const raw = redis.raw();
    const fs = await redis.open({ keyPrefix: prefix });
    await fs.writeFile('f', 'old');
    const w = await fs.open('f', 'w+');
    await w.write(randomBytes(2 * MiB));
    const [temp] = await raw.keys(`${prefix}f{${prefix}f}:.aiofs-tmp:*`);
    await raw.del(temp); // as if it expired, or the server lost it
    return { raw, fs, w };
  }

  test('reading the draft finds it short', async () => {
    const { fs, w } = await writerWithTemp(freshPrefix());
    await w.seek(0);
    expect(await caught(w.read(10))).toBeInstanceOf(BlockingIOError);
    expect((await caught(w.close())).code).toBe('EIO');
    expect((await fs.readFile('f')).toString()).toBe('old');
  });

  test('writing more to the draft finds it short', async () => {
    const { fs, w } = await writerWithTemp(freshPrefix());
    expect(await caught(w.write(randomBytes(2 * MiB)))).toBeInstanceOf(BlockingIOError);
    expect((await caught(w.close())).code).toBe('EIO');
    expect((await fs.readFile('f')).toString()).toBe('old');
  });

  test('the commit finds it gone', async () => {
    const prefix = freshPrefix();
    const { raw, fs, w } = await writerWithTemp(prefix);
    const error = await caught(w.close());
    expect(error).toBeInstanceOf(BlockingIOError);
    expect((await fs.readFile('f')).toString()).toBe('old');
    expect(await raw.keys(`${prefix}{*`)).toEqual([]);
  });

  test('a temp key that lost its last chunks (a replica that lagged, then took over) is never committed', async () => {
    const prefix = freshPrefix();
    const raw = redis.raw();
    const fs = await redis.open({ keyPrefix: prefix });
    await fs.writeFile('f', 'old');
    for (const next of ['close', 'overwrite'] as const) {
      const w = await fs.open('f', 'w');
      await w.write(randomBytes(3 * MiB));
      const [temp] = await raw.keys(`${prefix}f{${prefix}f}:.aiofs-tmp:*`);
      const kept = await raw.getrangeBuffer(temp, 0, MiB - 1);
      await raw.set(temp, kept, 'PX', 60_000);
      if (next === 'overwrite') {
        await w.seek(2 * MiB);
        expect(await caught(w.write(randomBytes(2 * MiB)))).toBeInstanceOf(BlockingIOError);
        await w.abort();
      } else {
        expect(await caught(w.close())).toBeInstanceOf(BlockingIOError);
      }
      expect((await fs.readFile('f')).toString()).toBe('old');
    }
  });

  test('deleteLocked refuses a lock that is no longer ours', async () => {
    const prefix = freshPrefix();
    const raw = redis.raw();
    const fs = (await redis.open({ keyPrefix: prefix })) as DriverFileSystem;
    const driver = fs.driver as RedisDriver;
    await fs.writeFile('a', 'A');
    await fs.writeFile('b', 'B');
    const lock = (await driver.lock('a', 60_000))!;
    await raw.set(`${prefix}a{${prefix}a}:.aiofs-lock`, 'stolen');
    expect(await caught(driver.deleteLocked('a', lock))).toBeInstanceOf(BlockingIOError);
    expect(await fs.exists('a')).toBe(true);
    await lock.release(); // lets go of what is still its own: the lock's 0.1 name
    await raw.del(`${prefix}a{${prefix}a}:.aiofs-lock`);
    const mine = (await driver.lock('a', 60_000))!;
    expect(await driver.deleteLocked('a', mine)).toBe(true);
    expect(await driver.deleteLocked('a', mine)).toBe(false);
    await mine.release();
  });
});

describeRedis('redis: cp and mv within one slot refuse a lock that is no longer theirs', () => {
  const redis = useRedis();

  test.each([
    ['cp', 'the source'],
    ['cp', 'the target'],
    ['mv', 'the source'],
    ['mv', 'the target'],
  ] as const)('%s when %s was taken over: nothing changes', async (kind, which) => {
    const prefix = freshPrefix();
    const raw = redis.raw();
    const fs = (await redis.open({ keyPrefix: prefix })) as DriverFileSystem;
    const driver = fs.driver as RedisDriver;
    await fs.writeFile('a', 'A');
    await fs.writeFile('b', 'B');
    const locks = {
      from: (await driver.lock('a', 60_000))!,
      to: (await driver.lock('b', 60_000))!,
    };
    const stolen = which === 'the source' ? 'a' : 'b';
    await raw.set(`${prefix}${stolen}{${prefix}${stolen}}:.aiofs-lock`, 'stolen');
    const run = () =>
      kind === 'cp' ? driver.copyLocked('a', 'b', locks) : driver.moveLocked('a', 'b', locks);
    const error = await caught(run());
    expect(error).toBeInstanceOf(BlockingIOError);
    expect(error.message).toContain(`'${stolen}'`);
    expect((await fs.readFile('a')).toString()).toBe('A');
    expect((await fs.readFile('b')).toString()).toBe('B');
    await raw.del(`${prefix}${stolen}{${prefix}${stolen}}:.aiofs-lock`);
    await Promise.all([locks.from.release(), locks.to.release()]);
    await fs.close();
  });
});

describeRedis('redis: copies across cluster slots that lose their locks', () => {
  const redis = useRedis();

  test('a copy whose target lock was taken over commits nothing and leaves no temp key', async () => {
    const prefix = freshPrefix();
    const raw = redis.rawCluster();
    const fs = (await createFileSystem({
      backend: 'redis',
      cluster: { nodes: clusterNodes },
      keyPrefix: prefix,
    })) as DriverFileSystem;
    try {
      const driver = fs.driver as RedisDriver;
      for (const size of [100, 3 * MiB]) {
        await fs.writeFile('src', randomBytes(size));
        await fs.writeFile('dst', 'old');
        const from = (await driver.lock('src', 60_000))!;
        const to = (await driver.lock('dst', 60_000))!;
        await raw.set(`${prefix}dst{${prefix}dst}:.aiofs-lock`, 'stolen');
        const error = await caught(driver.copyLocked('src', 'dst', { from, to }));
        expect(error).toBeInstanceOf(BlockingIOError);
        expect(error.path).toBe('dst');
        expect((await fs.readFile('dst')).toString()).toBe('old');
        await from.release();
        await to.release(); // lets go of what is still its own: the lock's 0.1 name
        await raw.del(`${prefix}dst{${prefix}dst}:.aiofs-lock`);
      }
      const slotKeys = await Promise.all(raw.nodes('master').map((n) => n.keys(`${prefix}{*`)));
      expect(slotKeys.flat()).toEqual([]);
    } finally {
      await fs.close();
    }
  });

  test('a copy whose source lock was lost mid-way stops', async () => {
    const prefix = freshPrefix();
    const raw = redis.rawCluster();
    const fs = (await createFileSystem({
      backend: 'redis',
      cluster: { nodes: clusterNodes },
      keyPrefix: prefix,
    })) as DriverFileSystem;
    try {
      const driver = fs.driver as RedisDriver;
      await fs.writeFile('src', randomBytes(16 * MiB));
      const from = (await driver.lock('src', 60_000))!;
      // a short lease: the copy renews both locks every third of it
      const to = (await driver.lock('dst', 30))!;
      await raw.set(`${prefix}src{${prefix}src}:.aiofs-lock`, 'stolen');
      const error = await caught(driver.copyLocked('src', 'dst', { from, to }));
      expect(error).toBeInstanceOf(BlockingIOError);
      expect(error.path).toBe('src');
      expect(await fs.exists('dst')).toBe(false);
    } finally {
      await fs.close();
    }
  });

  test('a source shorter than it was is FileNotFoundError', async () => {
    const raw = redis.raw();
    const key = `${freshPrefix()}short`;
    await raw.set(key, '0123456789');
    expect((await readExactly(raw, key, 2, 3, 'short')).toString()).toBe('234');
    const error = await caught(readExactly(raw, key, 5, 10, 'short'));
    expect(error).toBeInstanceOf(FileNotFoundError);
    expect(error.message).toMatch(/changed or expired/);
  });
});

import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import Redis, { Cluster } from 'ioredis';
import {
  createFileSystem,
  FileExistsError,
  FileNotFoundError,
  type DriverFileSystem,
  type FileLikeSystem,
  type RedisFileSystemOptions,
} from '../../../lib';
import type { RedisDriver } from '../../../lib/backends/redis';
import { keySlot } from '../../../lib/backends/redis/key-slot';
import { caught } from '../../conformance/expect-error';
import { describeRedis, freshPrefix, TOPOLOGIES, useCleanup } from './redis-env';

const MiB = 1024 * 1024;

/** Another application's keys: every kind but a string. */
const KINDS: Array<{
  kind: string;
  make: (raw: Redis | Cluster, key: string) => Promise<unknown>;
}> = [
  { kind: 'hash', make: (raw, key) => raw.hset(key, 'field', 'value', 'other', 'x') },
  { kind: 'list', make: (raw, key) => raw.rpush(key, 'a', 'b', 'c') },
  { kind: 'set', make: (raw, key) => raw.sadd(key, 'a', 'b') },
  { kind: 'stream', make: (raw, key) => raw.xadd(key, '*', 'event', 'created') },
];

/** Every call that writes or removes `target`; `source` is a file, for cp/mv onto the target. */
function writePaths(
  fs: FileLikeSystem,
  target: string,
  source: string,
): Array<[string, () => Promise<unknown>]> {
  const open = (mode: string) => async () => {
    const f = await fs.open(target, mode as 'w');
    await f.write('mine');
    await f.close();
  };
  const stream = (mode: 'w' | 'a' | 'x') => async () =>
    pipeline(Readable.from([Buffer.from('mine')]), await fs.openWriteStream(target, { mode }));
  return [
    ...['r+', 'w', 'w+', 'a', 'a+', 'x', 'x+', 'wb'].map(
      (mode) => [`open '${mode}'`, open(mode)] as [string, () => Promise<unknown>],
    ),
    ["open 'w' with a body", () => fs.open(target, 'w', (f) => f.write('mine'))],
    ["openWriteStream 'w'", stream('w')],
    ["openWriteStream 'a'", stream('a')],
    ["openWriteStream 'x'", stream('x')],
    ['writeFile', () => fs.writeFile(target, 'mine')],
    ['writeFile exclusive', () => fs.writeFile(target, 'mine', { exclusive: true })],
    ['cp onto it', () => fs.cp(source, target)],
    ['mv onto it', () => fs.mv(source, target)],
    ['cp from it', () => fs.cp(target, `${source}-copy`)],
    ['mv from it', () => fs.mv(target, `${source}-moved`)],
    ['rm', () => fs.rm(target)],
    ['rm missingOk', () => fs.rm(target, { missingOk: true })],
    ['rm of a list of paths', () => fs.rm([source, target])],
  ];
}

describeRedis("redis: another application's keys are left alone", () => {
  const keep = useCleanup();

  describe.each(TOPOLOGIES)('$name', (topology) => {
    const setUp = async () => {
      const prefix = freshPrefix('foreign');
      const fs = keep(
        await createFileSystem({
          backend: 'redis',
          ...topology.options(),
          keyPrefix: prefix,
        } as RedisFileSystemOptions),
      );
      return { fs, raw: keep(topology.raw()), prefix };
    };

    test.each(KINDS)(
      'every write path refuses a $kind with FileExistsError',
      async ({ kind, make }) => {
        const { fs, raw, prefix } = await setUp();
        const key = `${prefix}theirs`;
        await make(raw, key);
        const before = await raw.dumpBuffer(key);
        // A source in another cluster slot than the target, to take the chunked path too.
        let source = 'src';
        for (let i = 0; keySlot(prefix + source) === keySlot(key); i++) source = `src${i}`;
        for (const [name, attempt] of writePaths(fs, 'theirs', source)) {
          await fs.writeFile(source, 'source');
          const error = await caught(attempt());
          expect([name, error]).toEqual([name, expect.any(FileExistsError)]);
          expect(error.code).toBe('EEXIST');
          expect(error.path).toBe('theirs');
          expect(error.message).toContain(`holds a ${kind}`);
          expect([name, await raw.type(key)]).toEqual([name, kind]);
          expect([name, (await raw.dumpBuffer(key)).equals(before)]).toEqual([name, true]);
          expect((await fs.readFile(source)).toString()).toBe('source');
          // No lock or temp key left behind.
          const nodes = raw instanceof Cluster ? raw.nodes('master') : [raw];
          for (const node of nodes) expect(await node.keys(`${prefix}*{*`)).toEqual([]);
        }
        // Reads see no file there; a pattern never matches it.
        expect(await fs.exists('theirs')).toBe(false);
        expect(await caught(fs.stat('theirs'))).toBeInstanceOf(FileNotFoundError);
        expect(await fs.ls()).toEqual([source]);
        expect(await fs.rm('*')).toBe(1);
        expect(await raw.type(key)).toBe(kind);
      },
    );

    test.each([
      ['a small draft (SET)', 100],
      ['a big draft (RENAME)', 2 * MiB],
    ])(
      'a key another application made meanwhile is not replaced by the commit of %s',
      async (_, size) => {
        const { fs, raw, prefix } = await setUp();
        const key = `${prefix}late`;
        for (const { kind, make } of KINDS) {
          const w = await fs.open('late', 'w');
          await w.write(randomBytes(size));
          await make(raw, key);
          const error = await caught(w.close());
          expect(error).toBeInstanceOf(FileExistsError);
          expect(error.message).toContain(`holds a ${kind}`);
          expect(await raw.type(key)).toBe(kind);
          // The lock is released and the temp key gone: the path is free again once it is.
          await raw.del(key);
          await fs.writeFile('late', 'ours');
          expect((await fs.readFile('late')).toString()).toBe('ours');
          await fs.rm('late');
        }
      },
    );

    test.each(['cp', 'mv'] as const)(
      '%s onto a key another application turned into a hash under our lock replaces nothing',
      async (kind) => {
        const { fs, raw, prefix } = await setUp();
        const driver = (fs as DriverFileSystem).driver as RedisDriver;
        // Targets in the source's cluster slot (one script) and in another (the chunked copy).
        const slot = keySlot(`${prefix}from`);
        let same = 't0';
        for (let i = 1; keySlot(`${prefix}${same}`) !== slot; i++) same = `t${i}`;
        let other = 'u0';
        for (let i = 1; keySlot(`${prefix}${other}`) === slot; i++) other = `u${i}`;
        for (const [to, data] of [
          [same, Buffer.from('small')],
          [other, Buffer.from('small')],
          [other, randomBytes(3 * MiB)],
        ] as const) {
          await fs.writeFile('from', data);
          const locks = {
            from: (await driver.lock('from', 60_000))!,
            to: (await driver.lock(to, 60_000))!,
          };
          await raw.hset(`${prefix}${to}`, 'f', 'v');
          const run = () =>
            kind === 'cp'
              ? driver.copyLocked('from', to, locks)
              : driver.moveLocked('from', to, locks);
          const error = await caught(run());
          expect(error).toBeInstanceOf(FileExistsError);
          expect(error.path).toBe(to);
          expect(await raw.hget(`${prefix}${to}`, 'f')).toBe('v');
          expect((await fs.readFile('from')).equals(data)).toBe(true);
          await Promise.all([locks.from.release(), locks.to.release()]);
          await raw.del(`${prefix}${to}`);
        }
      },
    );
  });
});

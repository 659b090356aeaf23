import { Readable } from 'node:stream';
import Redis from 'ioredis';
import { createStorage } from 'unstorage';
import redisDriver from 'unstorage/drivers/redis';
import { createFileSystem, type FileLikeSystem } from '../../lib';
import { countCommands, describeDelta } from '../../test/support/redis-stats';
import { findRedisBinaries, RedisServer } from '../../test/servers/redis-servers';
import type { Bench } from '../harness';
import { MiB, runMatrix, type Subject } from '../matrix';
import { loadOpendal } from '../peers';
import { aiofsScanSubject, aiofsSubject, opendalSubject, unstorageSubject } from '../subjects';
import { pattern } from './streams';

/** Every subject's keys start with it; aiofs and unstorage map `a/b` to `bench:a:b` alike. */
const PREFIX = 'bench:';
const SCAN_COUNT = 1000;

/** Raw ioredis on the key layout aiofs and unstorage use (`/` as `:`), so listings share keys. */
function rawSubject(raw: Redis): Subject {
  const key = (path: string) => PREFIX + path.replaceAll('/', ':');
  return {
    id: 'raw',
    kind: 'raw',
    label: 'ioredis (GET, SET, GETRANGE, SCAN, APPEND)',
    read: async (path) => {
      const value = await raw.getBuffer(key(path));
      if (!value) throw new Error(`no key for ${path}`);
      return value;
    },
    write: (path, data) => raw.set(key(path), data),
    readRange: (path, start, length) => raw.getrangeBuffer(key(path), start, start + length - 1),
    list: async (prefix) => {
      let n = 0;
      const stream = raw.scanStream({
        match: `${key(prefix)}:*`,
        count: SCAN_COUNT,
        type: 'string',
      });
      for await (const keys of stream) n += (keys as string[]).length;
      return n;
    },
    // ioredis has no streams: a caller appends and reads 1 MiB at a time by hand.
    writeStream: async (path, source) => {
      await raw.del(key(path));
      for await (const chunk of source) await raw.append(key(path), chunk as Buffer);
    },
    readStream: async (path) => {
      const size = await raw.strlen(key(path));
      return Readable.from(
        (async function* () {
          for (let at = 0; at < size; at += MiB)
            yield await raw.getrangeBuffer(key(path), at, Math.min(at + MiB, size) - 1);
        })(),
      );
    },
  };
}

async function roundTrips(raw: Redis, monitor: Redis, fs: FileLikeSystem): Promise<string> {
  const small = pattern(4096);
  const ops: Array<[string, () => Promise<unknown>]> = [
    ['readFile', () => fs.readFile('rt/f')],
    ['readFile range', () => fs.readFile('rt/f', { start: 10, end: 20 })],
    ['writeFile', () => fs.writeFile('rt/f', small)],
    ['stat', () => fs.stat('rt/f')],
    ["ls('rt/*')", () => fs.ls('rt/*')],
  ];
  await fs.writeFile('rt/f', small);
  for (const [, op] of ops) await op(); // every script is loaded on the server
  const notes: string[] = [];
  for (const [name, op] of ops) {
    const count = await countCommands({ stats: raw, monitor }, op);
    notes.push(`${name}: ${count.roundTrips} (${describeDelta(count.delta)})`);
  }
  return `aiofs round trips per call (server commands in brackets, those its scripts run included): ${notes.join('; ')}`;
}

/** The Redis backend, raw ioredis, unstorage and OpenDAL on one private redis-server. */
export async function redisSuite(bench: Bench): Promise<void | string> {
  const binaries = findRedisBinaries();
  if (typeof binaries === 'string') return binaries;
  const server = await RedisServer.start();
  const raw = new Redis(server.url);
  const monitor = new Redis(server.url);
  const fs = await createFileSystem({ backend: 'redis', url: server.url, keyPrefix: PREFIX });
  const storage = createStorage({
    driver: redisDriver({ url: server.url, base: PREFIX.slice(0, -1), scanCount: SCAN_COUNT }),
  });
  try {
    const info = await raw.info('server');
    bench.versions['redis-server'] = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    const subjects: Subject[] = [
      rawSubject(raw),
      aiofsSubject(fs),
      aiofsScanSubject(fs),
      unstorageSubject(storage, 'redis'),
    ];
    const opendal = loadOpendal();
    if (typeof opendal === 'string') bench.skip(`OpenDAL rows: ${opendal}`);
    else {
      const op = new opendal.Operator('redis', {
        endpoint: `tcp://127.0.0.1:${server.port}`,
        root: `/${PREFIX.slice(0, -1)}/`,
      });
      subjects.push(opendalSubject(op, 'redis', { list: 'no listing on its Redis service' }));
    }
    subjects.push({
      id: 'flydrive',
      kind: 'flydrive',
      label: 'flydrive',
      unavailable: 'no Redis driver',
    });
    await runMatrix(bench, {
      backend: 'redis',
      subjects,
      fillList: async (prefix, count) => {
        for (let at = 0; at < count; at += 10_000) {
          const fill = raw.pipeline();
          for (let i = at; i < Math.min(count, at + 10_000); i++)
            fill.set(`${PREFIX}${prefix}:d${i % 100}:f${i}`, 'x');
          await fill.exec();
        }
      },
    });
    bench.note('redis', await roundTrips(raw, monitor, fs));
  } finally {
    await fs.close();
    await storage.dispose();
    raw.disconnect();
    monitor.disconnect();
    await server.stop();
  }
}

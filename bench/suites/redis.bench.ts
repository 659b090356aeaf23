import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import Redis from 'ioredis';
import { createFileSystem, type FileLikeSystem } from '../../lib';
import { countCommands, describeDelta } from '../../test/support/redis-stats';
import { findRedisBinaries, RedisServer } from '../../test/servers/redis-servers';
import type { Bench } from '../harness';
import { interleavedWorkload } from './interleave';
import { byteSink, byteSource } from './streams';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Small operations are timed in sequential batches, so that one timing is not a few µs. */
const BATCH = 200;
const LS_KEYS = 100_000;

async function batch(run: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < BATCH; i++) await run();
}

async function roundTrips(raw: Redis, monitor: Redis, fs: FileLikeSystem): Promise<string> {
  const ops: Array<[string, () => Promise<unknown>]> = [
    ['readFile', () => fs.readFile('rt/f')],
    ['readFile range', () => fs.readFile('rt/f', { start: 10, end: 20 })],
    ['writeFile', () => fs.writeFile('rt/f', randomBytes(4 * KiB))],
    ['stat', () => fs.stat('rt/f')],
    [
      "open('w') + write + close",
      async () => {
        const f = await fs.open('rt/g', 'w');
        await f.write(randomBytes(4 * KiB));
        await f.close();
      },
    ],
    [
      "open('r') + read + close",
      async () => {
        const f = await fs.open('rt/f');
        await f.read();
        await f.close();
      },
    ],
    ['rm', () => fs.rm('rt/g')],
  ];
  await fs.writeFile('rt/f', randomBytes(4 * KiB));
  await fs.writeFile('rt/g', 'warm up the scripts');
  for (const [, op] of ops) await op(); // every script is loaded on the server
  const notes: string[] = [];
  for (const [name, op] of ops) {
    const count = await countCommands({ stats: raw, monitor }, op);
    notes.push(`${name}: ${count.roundTrips} (${describeDelta(count.delta)})`);
  }
  return `round trips per operation (INFO commandstats delta in brackets, script-run commands included): ${notes.join('; ')}`;
}

/** The Redis backend against raw ioredis doing the same work, on a private server, in one run. */
export async function redisSuite(bench: Bench): Promise<void | string> {
  const binaries = findRedisBinaries();
  if (typeof binaries === 'string') return binaries;
  const server = await RedisServer.start();
  const raw = new Redis(server.url);
  const monitor = new Redis(server.url);
  const fs = await createFileSystem({ backend: 'redis', url: server.url, keyPrefix: 'bench:' });
  try {
    const small = randomBytes(4 * KiB);
    const smallReps = { repetitions: bench.options.quick ? 5 : 60 };
    await raw.set('raw:small', small);
    await fs.writeFile('small', small);
    await interleavedWorkload(
      bench,
      'redis',
      `readFile 4 KiB (×${BATCH} sequential)`,
      [
        { subject: 'ioredis getBuffer', run: () => batch(() => raw.getBuffer('raw:small')) },
        { subject: 'aiofs readFile', run: () => batch(() => fs.readFile('small')) },
      ],
      { bytes: 4 * KiB * BATCH, ...smallReps },
    );
    await interleavedWorkload(
      bench,
      'redis',
      `writeFile 4 KiB (×${BATCH} sequential)`,
      [
        { subject: 'ioredis set', run: () => batch(() => raw.set('raw:w', small)) },
        { subject: 'aiofs writeFile', run: () => batch(() => fs.writeFile('w', small)) },
      ],
      { bytes: 4 * KiB * BATCH, ...smallReps, note: await roundTrips(raw, monitor, fs) },
    );

    for (let at = 0; at < LS_KEYS; at += 10_000) {
      const fill = raw.pipeline();
      for (let i = at; i < at + 10_000; i++) fill.set(`bench:ls:d${i % 100}:f${i}`, 'x');
      await fill.exec();
    }
    const match = 'bench:ls:*';
    const rawScan = async () => {
      const keys: string[] = [];
      const stream = raw.scanStream({ match, count: 1000, type: 'string' });
      for await (const found of stream) keys.push(...(found as string[]));
      if (keys.length < LS_KEYS) throw new Error(`raw scan found ${keys.length} keys`);
    };
    const ls = async () => {
      const paths = await fs.ls('ls/*');
      if (paths.length !== LS_KEYS) throw new Error(`ls found ${paths.length} paths`);
    };
    const lsReps = { repetitions: bench.options.quick ? 3 : 10, warmup: 1 };
    await interleavedWorkload(
      bench,
      'redis',
      `ls over ${LS_KEYS} keys`,
      [
        { subject: `ioredis scanStream (MATCH ${match}, COUNT 1000)`, run: rawScan },
        { subject: "aiofs ls('ls/*')", run: ls },
      ],
      { ...lsReps, note: 'both SCAN the same MATCH with COUNT 1000 and TYPE string' },
    );

    const size = 256 * MiB;
    const block = Buffer.alloc(MiB, 7);
    await bench.once(
      'redis',
      'stream 256 MiB',
      'ioredis APPEND 1 MiB × 256 (for scale)',
      async () => {
        await raw.del('raw:big');
        for (let at = 0; at < size; at += MiB) await raw.append('raw:big', block);
      },
      size,
    );
    await bench.once(
      'redis',
      'stream 256 MiB',
      'ioredis GETRANGE 1 MiB × 256 (for scale)',
      async () => {
        for (let at = 0; at < size; at += MiB)
          await raw.getrangeBuffer('raw:big', at, at + MiB - 1);
      },
      size,
    );
    await raw.del('raw:big');
    await bench.once(
      'redis',
      'stream 256 MiB',
      'aiofs openWriteStream (write)',
      async () => pipeline(byteSource(size), await fs.openWriteStream('big.bin')),
      size,
    );
    await bench.once(
      'redis',
      'stream 256 MiB',
      'aiofs openReadStream (read)',
      async () => {
        const sink = byteSink();
        await pipeline(await fs.openReadStream('big.bin'), sink);
        if (sink.bytes !== size) throw new Error(`read ${sink.bytes} bytes`);
      },
      size,
    );
  } finally {
    await fs.close();
    raw.disconnect();
    monitor.disconnect();
    await server.stop();
  }
}

import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createFileSystem } from '../../lib';
import type { Bench } from '../harness';
import { byteSource, byteSink } from './streams';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  await handle.sync();
  await handle.close();
}

/** The local backend against node:fs/promises doing the same work, in the same run. */
export async function localSuite(bench: Bench): Promise<void> {
  const dir = await mkdtemp(nodePath.join(tmpdir(), 'aiofs-bench-local-'));
  const rawDir = nodePath.join(dir, 'raw');
  await fsp.mkdir(rawDir);
  const durable = await createFileSystem({ backend: 'local', root: nodePath.join(dir, 'aiofs') });
  const quick = await createFileSystem({
    backend: 'local',
    root: nodePath.join(dir, 'aiofs'),
    durable: false,
  });
  try {
    for (const [label, size] of [
      ['4 KiB', 4 * KiB],
      ['16 MiB', 16 * MiB],
    ] as const) {
      const data = randomBytes(size);
      const raw = nodePath.join(rawDir, `r-${label}`);
      await fsp.writeFile(raw, data);
      await durable.writeFile(`r-${label}`, data);
      const reps = size > MiB ? { repetitions: bench.options.quick ? 3 : 15 } : {};
      await bench.workload(
        'local',
        `readFile ${label}`,
        [
          { subject: 'fs.promises.readFile', run: () => fsp.readFile(raw) },
          { subject: 'aiofs readFile', run: () => durable.readFile(`r-${label}`) },
        ],
        { bytes: size, ...reps },
      );
      const rawW = nodePath.join(rawDir, `w-${label}`);
      await bench.workload(
        'local',
        `writeFile ${label} (durable)`,
        [
          {
            subject: 'fs.promises writeFile + fsync file + fsync dir',
            run: async () => {
              const handle = await fsp.open(rawW, 'w');
              await handle.writeFile(data);
              await handle.sync();
              await handle.close();
              await fsyncDir(rawDir);
            },
          },
          {
            subject: 'aiofs writeFile (durable)',
            run: () => durable.writeFile(`w-${label}`, data),
          },
        ],
        { bytes: size, ...reps },
      );
      await bench.workload(
        'local',
        `writeFile ${label} (durable: false)`,
        [
          { subject: 'fs.promises.writeFile', run: () => fsp.writeFile(rawW, data) },
          {
            subject: 'aiofs writeFile (durable: false)',
            run: () => quick.writeFile(`w-${label}`, data),
          },
        ],
        { bytes: size, ...reps },
      );
    }

    const bigSize = bench.options.quick ? 64 * MiB : GiB;
    const bigLabel = bench.options.quick ? '64 MiB' : '1 GiB';
    const streamRaw = nodePath.join(rawDir, 'big');
    await pipeline(byteSource(bigSize), (await fsp.open(streamRaw, 'w')).createWriteStream());
    await durable.writeFile('big-placeholder', '');
    await fsp.copyFile(streamRaw, nodePath.join(dir, 'aiofs', 'big'));
    let at = 0;
    const nextOffset = () =>
      (at = (at + 7919 * 4 * KiB) % (bigSize - 8 * KiB)) + bigSize / 2 - bigSize / 2;
    await bench.workload('local', `4 KiB range read in a ${bigLabel} file`, [
      {
        subject: 'FileHandle.read (open, read, close)',
        run: async () => {
          const handle = await fsp.open(streamRaw, 'r');
          const buffer = Buffer.allocUnsafe(4 * KiB);
          await handle.read(buffer, 0, 4 * KiB, nextOffset());
          await handle.close();
        },
      },
      {
        subject: 'aiofs readFile(range)',
        run: () => durable.readFile('big', { start: nextOffset(), end: at + 4 * KiB }),
      },
    ]);

    await bench.once(
      'local',
      `stream write ${bigLabel}`,
      'fs createWriteStream',
      async () => {
        const handle = await fsp.open(nodePath.join(rawDir, 'streamed'), 'w');
        await pipeline(byteSource(bigSize), handle.createWriteStream());
      },
      bigSize,
    );
    await bench.once(
      'local',
      `stream write ${bigLabel}`,
      'aiofs openWriteStream',
      async () => {
        await pipeline(byteSource(bigSize), await durable.openWriteStream('streamed'));
      },
      bigSize,
    );
    await bench.once(
      'local',
      `stream read ${bigLabel}`,
      'fs createReadStream',
      async () => {
        await pipeline(
          (await fsp.open(nodePath.join(rawDir, 'streamed'), 'r')).createReadStream(),
          byteSink(),
        );
      },
      bigSize,
    );
    await bench.once(
      'local',
      `stream read ${bigLabel}`,
      'aiofs openReadStream',
      async () => {
        await pipeline(await durable.openReadStream('streamed'), byteSink());
      },
      bigSize,
    );
  } finally {
    await durable.close();
    await quick.close();
    await rm(dir, { recursive: true, force: true });
  }
}

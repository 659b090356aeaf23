import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FSDriver as FSDriverClass } from 'flydrive/build/drivers/fs/main';
import { createStorage } from 'unstorage';
import fsDriver from 'unstorage/drivers/fs';
import { createFileSystem, type FileLikeSystem } from '../../lib';
import type { Bench } from '../harness';
import { KiB, MiB, runMatrix, type Subject } from '../matrix';
import { loadOpendal } from '../peers';
import { aiofsScanSubject, aiofsSubject, opendalSubject, unstorageSubject } from '../subjects';
import { byteSource, pattern } from './streams';

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  await handle.sync();
  await handle.close();
}

/** Raw node:fs/promises under `root`: the folders are made once, as a caller who knows them would. */
function rawSubjects(root: string): Subject[] {
  const made = new Set<string>();
  const place = async (path: string) => {
    const absolute = nodePath.join(root, path);
    const dir = nodePath.dirname(absolute);
    if (!made.has(dir)) {
      await fsp.mkdir(dir, { recursive: true });
      made.add(dir);
    }
    return absolute;
  };
  const raw: Subject = {
    id: 'raw',
    kind: 'raw',
    label: 'fs/promises',
    read: async (path) => fsp.readFile(await place(path)),
    write: async (path, data) => fsp.writeFile(await place(path), data),
    readRange: async (path, start, length) => {
      const handle = await fsp.open(await place(path), 'r');
      try {
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, start);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    list: async (prefix) => {
      const entries = await fsp.readdir(nodePath.join(root, prefix), {
        recursive: true,
        withFileTypes: true,
      });
      return entries.filter((entry) => entry.isFile()).length;
    },
    writeStream: async (path, source) => pipeline(source, createWriteStream(await place(path))),
    readStream: async (path) => createReadStream(await place(path)),
  };
  const durable: Subject = {
    id: 'raw-durable',
    kind: 'raw',
    label: 'fs/promises + fsync of file and folder',
    only: ['write', 'concurrent'],
    write: async (path, data) => {
      const absolute = await place(path);
      const handle = await fsp.open(absolute, 'w');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsyncDir(nodePath.dirname(absolute));
    },
  };
  return [raw, durable];
}

async function flydriveSubject(root: string): Promise<Subject> {
  const { Disk } = await import('flydrive');
  // flydrive's subpath exports are invisible to the project's node10 resolution: typed from its
  // build folder, loaded by its public name.
  const driverModule: string = 'flydrive/drivers/fs';
  const { FSDriver } = (await import(driverModule)) as { FSDriver: typeof FSDriverClass };
  const disk = new Disk(new FSDriver({ location: root, visibility: 'public' }));
  return {
    id: 'flydrive',
    kind: 'flydrive',
    label: 'flydrive (fs driver)',
    cannot: { range: 'no range reads' },
    read: (path) => disk.getBytes(path),
    write: (path, data) => disk.put(path, data),
    list: async (prefix) => {
      const { objects } = await disk.listAll(prefix, { recursive: true });
      let n = 0;
      for (const _ of objects) n++;
      return n;
    },
    writeStream: (path, source) => disk.putStream(path, source),
    readStream: (path) => disk.getStream(path),
  };
}

async function fillFiles(root: string, prefix: string, count: number): Promise<void> {
  for (let d = 0; d < 100; d++)
    await fsp.mkdir(nodePath.join(root, prefix, `d${d}`), { recursive: true });
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < count; i = next++) {
        await fsp.writeFile(nodePath.join(root, prefix, `d${i % 100}`, `f${i}`), 'x');
      }
    }),
  );
}

/**
 * The figures the local backend's issue set, against the raw calls they are bounded by: 16 MiB
 * whole files, and a 4 KiB range of a 1 GiB file (full run only).
 */
async function targets(bench: Bench, root: string, durable: FileLikeSystem, quick: FileLikeSystem) {
  const size = 16 * MiB;
  const data = pattern(size);
  const raw = nodePath.join(root, 'raw');
  await fsp.mkdir(raw, { recursive: true });
  await fsp.writeFile(nodePath.join(raw, 't16.bin'), data);
  const reps = { repetitions: 15, warmup: 2, bytes: size, gcEachRun: true };
  await bench.workload(
    'local',
    'target: read 16 MiB',
    [
      {
        subject: 'fs.promises.readFile',
        kind: 'raw',
        run: () => fsp.readFile(nodePath.join(raw, 't16.bin')),
      },
      { subject: 'aiofs', kind: 'aiofs', run: () => durable.readFile('raw/t16.bin') },
    ],
    reps,
  );
  await bench.workload(
    'local',
    'target: write 16 MiB durable',
    [
      {
        subject: 'fs/promises + fsync of file and folder',
        kind: 'raw',
        run: async () => {
          const handle = await fsp.open(nodePath.join(raw, 'w16.bin'), 'w');
          await handle.writeFile(data);
          await handle.sync();
          await handle.close();
          await fsyncDir(raw);
        },
      },
      { subject: 'aiofs', kind: 'aiofs', run: () => durable.writeFile('aiofs/w16.bin', data) },
    ],
    reps,
  );
  await bench.workload(
    'local',
    'target: write 16 MiB, durable: false',
    [
      {
        subject: 'fs.promises.writeFile',
        kind: 'raw',
        run: () => fsp.writeFile(nodePath.join(raw, 'w16.bin'), data),
      },
      {
        subject: 'aiofs (durable: false)',
        kind: 'aiofs',
        run: () => quick.writeFile('aiofs/w16.bin', data),
      },
    ],
    reps,
  );

  const big = 1024 * MiB;
  const file = nodePath.join(raw, 't1g.bin');
  await pipeline(byteSource(big), createWriteStream(file));
  let at = 0;
  const next = () => (at = (at + 7919 * 4 * KiB + 123) % (big - 4 * KiB));
  const ops = 100;
  await bench.workload(
    'local',
    'target: range read 4 KiB of 1 GiB',
    [
      {
        subject: 'FileHandle.read (open, read, close)',
        kind: 'raw',
        run: async () => {
          for (let i = 0; i < ops; i++) {
            const handle = await fsp.open(file, 'r');
            await handle.read(Buffer.allocUnsafe(4 * KiB), 0, 4 * KiB, next());
            await handle.close();
          }
        },
      },
      {
        subject: 'aiofs',
        kind: 'aiofs',
        run: async () => {
          for (let i = 0; i < ops; i++) {
            const start = next();
            await durable.readFile('raw/t1g.bin', { start, end: start + 4 * KiB });
          }
        },
      },
    ],
    { ops, repetitions: 30, bytes: 4 * KiB },
  );
  await fsp.rm(file);
}

/** The local backend, node:fs/promises, unstorage, OpenDAL and flydrive on one folder. */
export async function localSuite(bench: Bench): Promise<void> {
  const dir = await mkdtemp(nodePath.join(tmpdir(), 'aiofs-bench-local-'));
  const root = nodePath.join(dir, 'data');
  const durable = await createFileSystem({ backend: 'local', root });
  const notDurable = await createFileSystem({ backend: 'local', root, durable: false });
  const storage = createStorage({ driver: fsDriver({ base: root }) });
  try {
    const subjects: Subject[] = [
      ...rawSubjects(root),
      aiofsSubject(durable),
      {
        ...aiofsSubject(notDurable, 'aiofs (durable: false)', 'aiofs-nd'),
        only: ['write', 'concurrent', 'streamWrite'],
      },
      aiofsScanSubject(durable),
      unstorageSubject(storage, 'fs'),
    ];
    const opendal = loadOpendal();
    if (typeof opendal === 'string') bench.skip(`OpenDAL rows: ${opendal}`);
    else subjects.push(opendalSubject(new opendal.Operator('fs', { root }), 'fs'));
    subjects.push(await flydriveSubject(root));
    await runMatrix(bench, {
      backend: 'local',
      subjects,
      fillList: (prefix, count) => fillFiles(root, prefix, count),
    });
    if (!bench.options.quick) await targets(bench, root, durable, notDurable);
  } finally {
    await durable.close();
    await notDurable.close();
    await storage.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

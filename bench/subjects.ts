import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Storage } from 'unstorage';
import type { FileLikeSystem } from '../lib';
import type { Capability, Subject } from './matrix';
import type { OpendalOperator } from './peers';

/** aiofs on any backend: the whole-file calls, ranges, `ls`, and its streams. */
export function aiofsSubject(fs: FileLikeSystem, label = 'aiofs', id = 'aiofs'): Subject {
  return {
    id,
    kind: 'aiofs',
    label,
    read: (path) => fs.readFile(path),
    write: (path, data) => fs.writeFile(path, data),
    readRange: (path, start, length) => fs.readFile(path, { start, end: start + length }),
    list: async (prefix) => (await fs.ls(`${prefix}/*`)).length,
    writeStream: async (path, source) => pipeline(source, await fs.openWriteStream(path)),
    readStream: (path) => fs.openReadStream(path),
  };
}

/** `scan`: the same set as `ls`, unsorted and streamed, as the peers' listings are. */
export function aiofsScanSubject(fs: FileLikeSystem): Subject {
  return {
    id: 'aiofs-scan',
    kind: 'aiofs',
    label: 'aiofs scan (unsorted)',
    only: ['list'],
    list: async (prefix) => {
      let n = 0;
      for await (const _ of fs.scan(`${prefix}/*`)) n++;
      return n;
    },
  };
}

/** unstorage with a driver: raw values, `getKeys(base)`; it has no ranges and no streams. */
export function unstorageSubject(storage: Storage, driver: string): Subject {
  return {
    id: 'unstorage',
    kind: 'unstorage',
    label: `unstorage (${driver} driver)`,
    cannot: { range: 'no range reads', streamWrite: 'no streams', streamRead: 'no streams' },
    read: async (path) => {
      const value = await storage.getItemRaw<Buffer>(path);
      if (value === null) throw new Error(`unstorage: no value at ${path}`);
      return value;
    },
    write: (path, data) => storage.setItemRaw(path, data),
    list: async (prefix) => (await storage.getKeys(prefix)).length,
  };
}

/** OpenDAL's Node binding on one of its services. */
export function opendalSubject(
  op: OpendalOperator,
  service: string,
  cannot: Partial<Record<Capability, string>> = {},
): Subject {
  return {
    id: 'opendal',
    kind: 'opendal',
    label: `OpenDAL (${service})`,
    cannot,
    read: (path) => op.read(path),
    write: (path, data) => op.write(path, data),
    readRange: (path, start, length) =>
      op.read(path, { offset: BigInt(start), size: BigInt(length) }),
    list: async (prefix) => {
      const entries = await op.list(`${prefix}/`, { recursive: true });
      return entries.filter((entry) => !entry.path().endsWith('/')).length;
    },
    writeStream: async (path, source: Readable) =>
      pipeline(source, (await op.writer(path)).createWriteStream()),
    readStream: async (path) => (await op.reader(path)).createReadStream(),
  };
}

import { randomBytes } from 'node:crypto';
import Redis, { Cluster } from 'ioredis';
import {
  BlockingIOError,
  createFileSystem,
  type FileLikeSystem,
  type RedisFileSystemOptions,
} from '../../../lib';
import { keySlot } from '../../../lib/backends/redis/key-slot';
import { caught, sleep } from '../../conformance/expect-error';
import { describeRedis, redisUrl, TOPOLOGIES, useCleanup } from './redis-env';

/** Two ways of naming one data key: a key prefix and a path, with the prefix nested in the other. */
interface Naming {
  prefix: string;
  path: string;
}

function namings(): Array<{ name: string; key: string; a: Naming; b: Naming }> {
  const tag = `nest${randomBytes(5).toString('hex')}`;
  return [
    {
      name: "prefix 'app:' + 'dir/f' against prefix 'app:dir:' + 'f'",
      key: `${tag}:app:dir:f`,
      a: { prefix: `${tag}:app:`, path: 'dir/f' },
      b: { prefix: `${tag}:app:dir:`, path: 'f' },
    },
    {
      name: "no prefix + 'app/x' against prefix 'app:' + 'x'",
      key: `${tag}:app:x`,
      a: { prefix: '', path: `${tag}/app/x` },
      b: { prefix: `${tag}:app:`, path: 'x' },
    },
  ];
}

/** Every key of the cluster or server that starts with `start`. */
async function keysStartingWith(raw: Redis | Cluster, start: string): Promise<string[]> {
  const nodes = raw instanceof Cluster ? raw.nodes('master') : [raw];
  const found: string[] = [];
  for (const node of nodes) found.push(...(await node.keys(`${start}*`)));
  return found.sort();
}

describeRedis('redis: one lock per data key, whatever prefix names it', () => {
  const keep = useCleanup();

  describe.each(TOPOLOGIES)('$name', (topology) => {
    const open = async (naming: Naming, lockTtlMs?: number) =>
      keep(
        await createFileSystem({
          backend: 'redis',
          ...topology.options(),
          keyPrefix: naming.prefix,
          lockTtlMs,
        } as RedisFileSystemOptions),
      );
    const raw = () => keep(topology.raw());

    test.each(namings())(
      '$name: a writer on either name blocks every writer on the other',
      async ({ key, a, b }) => {
        const fsA = await open(a);
        const fsB = await open(b);
        for (const [holder, hp, other, op] of [
          [fsA, a.path, fsB, b.path],
          [fsB, b.path, fsA, a.path],
        ] as const) {
          const w = await holder.open(hp, 'w');
          await w.write('held');
          for (const attempt of [
            () => other.open(op, 'w'),
            () => other.open(op, 'a'),
            () => other.open(op, 'x'),
            () => other.openWriteStream(op),
            () => other.writeFile(op, 'other'),
            () => other.rm(op, { missingOk: true }),
            () => other.cp(op, `${op}-copy`),
            () => other.mv(op, `${op}-moved`),
          ]) {
            expect(await caught(attempt())).toBeInstanceOf(BlockingIOError);
          }
          await w.close();
          expect((await other.readFile(op)).toString()).toBe('held');
        }
        const client = raw();
        expect(await client.get(key)).toBe('held');
        // Both names share one lock (and their temp keys) in the data key's slot.
        const w = await fsA.open(a.path, 'w');
        await w.write(randomBytes(2 * 1024 * 1024));
        const internal = (await keysStartingWith(client, key)).filter((k) => k !== key);
        expect(internal.length).toBeGreaterThanOrEqual(2);
        for (const k of internal) expect(keySlot(k)).toBe(keySlot(key));
        expect(await caught(fsB.open(b.path, 'w'))).toBeInstanceOf(BlockingIOError);
        await w.abort();
        await fsB.rm(b.path);
      },
    );

    test('racing read-increment-write through both names loses no update', async () => {
      const [naming] = namings();
      const fsA = await open(naming.a, 5000);
      const fsB = await open(naming.b, 5000);
      await fsA.writeFile(naming.a.path, '0');
      const until = Date.now() + 3000;
      let done = 0;
      const worker = async (fs: FileLikeSystem, path: string) => {
        while (Date.now() < until) {
          await fs.open(
            path,
            'r+',
            async (f) => {
              const value = Number((await f.read()).toString());
              await sleep(1); // widen the window a lost lock would leave open
              await f.seek(0);
              await f.write(String(value + 1));
            },
            { lockTimeoutMs: 10_000 },
          );
          done++;
        }
      };
      await Promise.all([
        worker(fsA, naming.a.path),
        worker(fsA, naming.a.path),
        worker(fsB, naming.b.path),
        worker(fsB, naming.b.path),
      ]);
      expect(done).toBeGreaterThan(20);
      expect(Number((await fsB.readFile(naming.b.path)).toString())).toBe(done);
    });
  });

  describe('rolling upgrade from 0.1 (its lock key was keyPrefix{<data key>}:.aiofs-lock)', () => {
    const v01Lock = (prefix: string, dataKey: string) => `${prefix}{${dataKey}}:.aiofs-lock`;

    test('a path locked by a 0.1 writer is locked here too', async () => {
      const prefix = `up${randomBytes(5).toString('hex')}:`;
      const fs = keep(
        await createFileSystem({ backend: 'redis', url: redisUrl, keyPrefix: prefix }),
      );
      const client = keep(new Redis(redisUrl));
      await fs.writeFile('dir/f', 'before');
      // What 0.1's open(w) sends.
      expect(await client.set(v01Lock(prefix, `${prefix}dir:f`), 'v01', 'PX', 60_000, 'NX')).toBe(
        'OK',
      );
      for (const attempt of [
        () => fs.open('dir/f', 'w'),
        () => fs.writeFile('dir/f', 'new'),
        () => fs.rm('dir/f'),
        () => fs.mv('dir/f', 'g'),
      ]) {
        expect(await caught(attempt())).toBeInstanceOf(BlockingIOError);
      }
      expect(await client.get(v01Lock(prefix, `${prefix}dir:f`))).toBe('v01');
      await client.del(v01Lock(prefix, `${prefix}dir:f`));
      await fs.writeFile('dir/f', 'after');
      expect(await client.get(`${prefix}dir:f`)).toBe('after');
    });

    test("a writer here holds the 0.1 name too, which 0.1's lock and writeFile refuse", async () => {
      const prefix = `up${randomBytes(5).toString('hex')}:`;
      const fs = keep(
        await createFileSystem({ backend: 'redis', url: redisUrl, keyPrefix: prefix }),
      );
      const client = keep(new Redis(redisUrl));
      const legacy = v01Lock(prefix, `${prefix}dir:f`);
      const w = await fs.open('dir/f', 'w');
      // 0.1's open(w): SET NX; its writeFile and rm: refused when the key EXISTS.
      expect(await client.set(legacy, 'v01', 'PX', 60_000, 'NX')).toBeNull();
      expect(await client.exists(legacy)).toBe(1);
      await w.write('mine');
      await w.close();
      expect(await client.exists(legacy)).toBe(0);
      expect(await client.get(`${prefix}dir:f`)).toBe('mine');
    });
  });
});

import { randomBytes } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { BackendUnavailableError, createFileSystem, type FileLikeSystem } from '../../../lib';
import { keySlot } from '../../../lib/backends/redis/key-slot';
import { caught, sleep } from '../../conformance/expect-error';
import { RedisCluster } from '../../servers/redis-servers';
import { clusterNodes, describeRedis, freshPrefix, useRedis } from './redis-env';

const MiB = 1024 * 1024;

describeRedis('redis: cluster specifics', () => {
  const redis = useRedis();
  let cluster: Cluster;
  let prefix: string;
  let fs: FileLikeSystem;

  beforeEach(async () => {
    cluster = redis.rawCluster();
    prefix = freshPrefix('cl');
    fs = await createFileSystem({
      backend: 'redis',
      cluster: { nodes: clusterNodes },
      keyPrefix: prefix,
    });
  });

  afterEach(() => fs.close());

  const serverSlot = async (key: string) => Number(await cluster.cluster('KEYSLOT', key));

  test('keySlot agrees with CLUSTER KEYSLOT, hash tags and UTF-8 included', async () => {
    const keys = [
      'a',
      'dir:sub:file.bin',
      '公司:合作协议.doc',
      '{user1000}.following',
      'foo{}{bar}',
      'foo{{bar}}zap',
      'foo{bar}{zap}',
      '{}x',
      `${prefix}a:b{${prefix}a:b}:.aiofs-lock`,
      ...Array.from({ length: 20 }, () => randomBytes(8).toString('base64')),
    ];
    for (const key of keys) expect(keySlot(key)).toBe(await serverSlot(key));
  });

  test("lock, temp and snapshot keys live in their data key's slot", async () => {
    await fs.writeFile('d/big', randomBytes(2 * MiB));
    const w = await fs.open('d/f.txt', 'w');
    await w.write(randomBytes(2 * MiB));
    const r = await fs.open('d/big');
    const data = `${prefix}d:f.txt`;
    const internal: string[] = [];
    for (const node of cluster.nodes('master')) internal.push(...(await node.keys(`${prefix}*{*`)));
    expect(internal.some((k) => k.endsWith('.aiofs-lock'))).toBe(true);
    expect(internal.some((k) => k.includes('.aiofs-tmp:'))).toBe(true);
    expect(internal.some((k) => k.includes('.aiofs-snap:'))).toBe(true);
    for (const key of internal) {
      const owner = key.includes(`{${data}}`) ? data : `${prefix}d:big`;
      expect(await serverSlot(key)).toBe(await serverSlot(owner));
    }
    await r.close();
    await w.close();
  });

  test('ls scans every master', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `spread/f${i}`);
    for (const name of names) await fs.writeFile(name, name);
    const perMaster = await Promise.all(
      cluster.nodes('master').map(async (node) => (await node.keys(`${prefix}spread:*`)).length),
    );
    expect(perMaster).toHaveLength(3);
    for (const n of perMaster) expect(n).toBeGreaterThan(0);
    expect(await fs.ls('spread/*')).toEqual([...names].sort());
    expect(await fs.rm('spread/*')).toBe(60);
  });

  test('cp and mv across slots, small and chunked, and within one slot', async () => {
    const small = randomBytes(1000);
    const big = randomBytes(3 * MiB + 7);
    await fs.writeFile('src/small', small);
    await fs.writeFile('src/big', big);
    const slot = (p: string) => keySlot(prefix + p.replaceAll('/', ':'));
    expect(slot('src/small')).not.toBe(slot('dst/small'));
    expect(slot('src/big')).not.toBe(slot('dst/big'));
    await fs.cp('src/small', 'dst/small');
    await fs.cp('src/big', 'dst/big');
    expect((await fs.readFile('dst/small')).equals(small)).toBe(true);
    expect((await fs.readFile('dst/big')).equals(big)).toBe(true);
    await fs.mv('src/big', 'moved/big');
    expect(await fs.exists('src/big')).toBe(false);
    expect((await fs.readFile('moved/big')).equals(big)).toBe(true);
    // two paths whose keys happen to share a slot: one server-side COPY, then RENAME
    let twin = 0;
    while (slot(`same/${twin}`) !== slot('same/a')) twin++;
    await fs.writeFile('same/a', small);
    await fs.cp('same/a', `same/${twin}`);
    await fs.mv('same/a', `same/${twin}`);
    expect(await fs.ls('same/*')).toEqual([`same/${twin}`]);
    expect((await fs.readFile(`same/${twin}`)).equals(small)).toBe(true);
    // no temp key left behind anywhere
    for (const node of cluster.nodes('master')) expect(await node.keys(`${prefix}*{*`)).toEqual([]);
  });

  test('ping answers for every master', async () => {
    expect(await fs.ping()).toBeGreaterThanOrEqual(0);
  });
});

describeRedis('redis: a cluster that is not ok', () => {
  test('ping fails with BackendUnavailableError while a slot has no master, then answers again', async () => {
    const cluster = await RedisCluster.start(3);
    const fs = await createFileSystem({
      backend: 'redis',
      cluster: { nodes: cluster.addresses.split(',') },
    });
    const [first] = cluster.nodes;
    const waitFor = async (state: string) => {
      for (let i = 0; i < 200; i++) {
        if ((await first.command('CLUSTER INFO')).includes(`cluster_state:${state}`)) return;
        await sleep(50);
      }
      throw new Error(`cluster_state never became ${state}`);
    };
    try {
      // the first slot this node serves, from its line of CLUSTER NODES: '… connected 0-5460'
      const myself = (await first.command('CLUSTER NODES'))
        .split('\n')
        .find((line) => line.includes('myself'))!;
      const mine = Number(/ (\d+)-\d+/.exec(myself)![1]);
      await first.command(`CLUSTER DELSLOTS ${mine}`);
      await waitFor('fail');
      const error = await caught(fs.ping());
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect(error.message).toContain('cluster_state:fail');
      await first.command(`CLUSTER ADDSLOTS ${mine}`);
      await waitFor('ok');
      expect(await fs.ping()).toBeGreaterThanOrEqual(0);
    } finally {
      await fs.close();
      await cluster.stop();
    }
  }, 60_000);

  test('ls with a master down is BackendUnavailableError, never a partial listing', async () => {
    const cluster = await RedisCluster.start(3);
    const fs = await createFileSystem({
      backend: 'redis',
      cluster: { nodes: cluster.addresses.split(',') },
    });
    try {
      // one file per master: keys whose slots fall in each node's range
      const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((n) => `f-${n}.txt`);
      for (const n of names) await fs.writeFile(n, n);
      expect(await fs.ls()).toEqual(names);
      await cluster.nodes[1].kill();
      // the client notices the lost connection (its pool drops the node) at its next command
      for (let i = 0; i < 20; i++) {
        await fs.readFile(names[0]).catch(() => undefined);
        await sleep(50);
      }
      const error = await caught(fs.ls());
      expect(error).toBeInstanceOf(BackendUnavailableError);
      await cluster.nodes[1].restart();
      let listed: string[] = [];
      for (let i = 0; i < 200 && listed.length === 0; i++) {
        listed = await fs.ls().catch(() => []);
        if (listed.length === 0) await sleep(100);
      }
      // restarted without persistence: its keys are gone, the others are all there
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.length).toBeLessThan(names.length);
    } finally {
      await fs.close();
      await cluster.stop();
    }
  }, 60_000);
});

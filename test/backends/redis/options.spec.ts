import Redis, { Cluster } from 'ioredis';
import {
  BackendUnavailableError,
  createFileSystem,
  InvalidArgumentError,
  type FileLikeSystem,
  type RedisFileSystemOptions,
} from '../../../lib';
import { caught } from '../../conformance/expect-error';
import { freePort } from '../../servers/redis-servers';
import { clusterNodes, describeRedis, freshPrefix, redisUrl, useRedis } from './redis-env';

/** Nothing listens there: a check that passes would go on to fail with EUNAVAILABLE instead. */
const DEAD = 'redis://127.0.0.1:9';

describeRedis('redis: options and clients', () => {
  const redis = useRedis();

  test.each<[string, Partial<RedisFileSystemOptions> & Record<string, unknown>]>([
    ['url and cluster together', { url: DEAD, cluster: { nodes: ['127.0.0.1:9'] } }],
    ['url and client together', { url: DEAD, client: {} }],
    ['a url of another scheme', { url: 'http://127.0.0.1:9' }],
    ['a url that is not a string', { url: 42 as never }],
    ['a url without a host', { url: 'redis://' }],
    ['a keyPrefix with {', { url: DEAD, keyPrefix: 'app{1}:' }],
    ['a keyPrefix with }', { url: DEAD, keyPrefix: 'app}:' }],
    ['a keyPrefix that is not a string', { url: DEAD, keyPrefix: 3 as never }],
    ['ttlSeconds 0', { url: DEAD, ttlSeconds: 0 }],
    ['ttlSeconds 1.5', { url: DEAD, ttlSeconds: 1.5 }],
    ['ttlSeconds as a string', { url: DEAD, ttlSeconds: '60' as never }],
    ['lockTtlMs 0', { url: DEAD, lockTtlMs: 0 }],
    ['redisOptions that is not an object', { url: DEAD, redisOptions: 'x' as never }],
    ['replyTimeoutMs 0', { url: DEAD, replyTimeoutMs: 0 }],
    ['replyTimeoutMs as a string', { url: DEAD, replyTimeoutMs: '5' as never }],
    ['redisOptions with its own keyPrefix', { url: DEAD, redisOptions: { keyPrefix: 'a:' } }],
    ['a cluster without nodes', { cluster: { nodes: [] } }],
    ['a cluster node without a port', { cluster: { nodes: ['127.0.0.1'] } }],
    ['a cluster node with a bad port', { cluster: { nodes: [{ host: 'h', port: 70000 }] } }],
    [
      'cluster options with a keyPrefix',
      { cluster: { nodes: ['127.0.0.1:9'], options: { keyPrefix: 'x' } } },
    ],
    ['a client that is not ioredis', { client: { get: () => undefined } }],
  ])('%s is InvalidArgumentError before any connection', async (_name, extra) => {
    const error = await caught(
      createFileSystem({ backend: 'redis', ...extra } as RedisFileSystemOptions),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.code).toBe('EINVAL');
  });

  test('a client with its own keyPrefix is refused (SCAN would not apply it)', async () => {
    const client = new Redis(redisUrl, { keyPrefix: 'theirs:', lazyConnect: true });
    const error = await caught(createFileSystem({ backend: 'redis', client }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/keyPrefix/);
    client.disconnect();
  });

  test('redisOptions or replyTimeoutMs with a client of the caller is refused', async () => {
    const client = new Redis(redisUrl, { lazyConnect: true });
    for (const extra of [{ redisOptions: { commandTimeout: 5 } }, { replyTimeoutMs: 5 }]) {
      const error = await caught(createFileSystem({ backend: 'redis', client, ...extra }));
      expect(error).toBeInstanceOf(InvalidArgumentError);
    }
    expect(client.status).toBe('wait');
    client.disconnect();
  });

  test("a caller's Redis client is used and left open by close()", async () => {
    const client = redis.raw();
    const prefix = freshPrefix();
    const fs = await createFileSystem({ backend: 'redis', client, keyPrefix: prefix });
    await fs.writeFile('a/b.txt', 'through my client');
    expect(await client.get(`${prefix}a:b.txt`)).toBe('through my client');
    expect(await fs.ls()).toEqual(['a/b.txt']);
    const w = await fs.open('c.txt', 'w');
    await fs.close();
    expect(w.closed).toBe(true);
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
    expect(await client.keys(`${prefix}*`)).toEqual([`${prefix}a:b.txt`]);
  });

  test("a caller's Cluster client is used and left open by close()", async () => {
    const cluster = new Cluster(clusterNodes);
    const prefix = freshPrefix();
    const fs = await createFileSystem({ backend: 'redis', client: cluster, keyPrefix: prefix });
    for (let i = 0; i < 20; i++) await fs.writeFile(`d/f${i}`, String(i));
    expect((await fs.ls()).length).toBe(20);
    await fs.cp('d/f1', 'e/copy');
    expect((await fs.readFile('e/copy')).toString()).toBe('1');
    await fs.close();
    expect(await cluster.get(`${prefix}d:f3`)).toBe('3');
    cluster.disconnect();
  });

  test("a caller's lazy Cluster client that has not connected yet lists every master", async () => {
    const prefix = freshPrefix();
    const writer = redis.rawCluster();
    for (let i = 0; i < 10; i++) await writer.set(`${prefix}f${i}`, 'x');
    const lazy = new Cluster(clusterNodes, { lazyConnect: true });
    const fs = await createFileSystem({ backend: 'redis', client: lazy, keyPrefix: prefix });
    expect(await fs.ls()).toHaveLength(10);
    await fs.close();
    lazy.disconnect();
  });

  test.each([
    ['ping', (fs: FileLikeSystem) => fs.ping()],
    ['ls', (fs: FileLikeSystem) => fs.ls()],
    ['rm of a pattern', (fs: FileLikeSystem) => fs.rm('*')],
    [
      'writeFile and readFile',
      async (fs: FileLikeSystem) => {
        await fs.writeFile('g', 'y');
        return fs.readFile('g');
      },
    ],
    [
      'scan',
      async (fs: FileLikeSystem) => {
        const found: string[] = [];
        for await (const path of fs.scan()) found.push(path);
        return found;
      },
    ],
  ])(
    "a caller's Cluster still connecting: %s at once waits for it to be ready",
    async (_, call) => {
      const prefix = freshPrefix();
      const writer = redis.rawCluster();
      await writer.set(`${prefix}f`, 'x');
      for (let round = 0; round < 5; round++) {
        const cluster = new Cluster(clusterNodes);
        try {
          expect(cluster.status).not.toBe('ready');
          const fs = await createFileSystem({
            backend: 'redis',
            client: cluster,
            keyPrefix: prefix,
          });
          await call(fs);
          expect(cluster.status).toBe('ready');
          await fs.close();
        } finally {
          cluster.disconnect();
        }
      }
    },
  );

  test("a caller's Cluster that cannot connect fails ping and ls within its connect timeout", async () => {
    const port = await freePort();
    const cluster = new Cluster([{ host: '127.0.0.1', port }], {
      redisOptions: { connectTimeout: 1000 },
      clusterRetryStrategy: () => 200,
    });
    const seen: Error[] = [];
    cluster.on('error', (error: Error) => seen.push(error)); // the caller's client: its listener
    try {
      const fs = await createFileSystem({ backend: 'redis', client: cluster });
      for (const call of [() => fs.ping(), () => fs.ls()]) {
        const started = Date.now();
        const error = await caught(call());
        expect(error).toBeInstanceOf(BackendUnavailableError);
        expect(Date.now() - started).toBeLessThan(5000);
      }
      await fs.close();
      expect(seen.length).toBeGreaterThan(0);
    } finally {
      cluster.disconnect();
    }
  });

  test('a client aiofs creates from a URL is quit by close()', async () => {
    const fs = await createFileSystem(`${redisUrl}?keyPrefix=${freshPrefix()}&ttlSeconds=60`);
    const client = (fs as unknown as { driver: { connection: { client: Redis } } }).driver
      .connection.client;
    await fs.writeFile('x', 'y');
    expect(client.status).toBe('ready');
    await fs.close();
    expect(['end', 'close']).toContain(client.status);
  });

  test('an unreachable server is BackendUnavailableError naming host:port, at once', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await caught(
      createFileSystem({ backend: 'redis', url: `redis://:s3cret-pw@127.0.0.1:${port}/0` }),
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.code).toBe('EUNAVAILABLE');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain("'redis'");
    expect(error.message).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('an unreachable cluster is BackendUnavailableError naming its nodes', async () => {
    const port = await freePort();
    const error = await caught(
      createFileSystem({
        backend: 'redis',
        cluster: { nodes: [`127.0.0.1:${port}`], options: { clusterRetryStrategy: () => null } },
      }),
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });
});

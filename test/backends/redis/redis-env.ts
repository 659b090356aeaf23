import { randomBytes } from 'node:crypto';
import Redis, { Cluster } from 'ioredis';
import { createFileSystem, type FileLikeSystem, type RedisFileSystemOptions } from '../../../lib';
import { describeIfRunning } from '../../support/describe-if-running';

/** The global setup's servers, or why they are missing. */
export const redisUrl = process.env.AIOFS_TEST_REDIS_URL ?? '';
export const clusterNodes = (process.env.AIOFS_TEST_REDIS_CLUSTER_NODES ?? '')
  .split(',')
  .filter(Boolean);
const unavailable = process.env.AIOFS_TEST_REDIS_UNAVAILABLE;

/** `describe` when redis-server runs; loud skip (or failure under AIOFS_TEST_REQUIRE_ALL=1) when not. */
export function describeRedis(name: string, body: () => void): void {
  describeIfRunning(name, 'Redis', unavailable, body);
}

/** A key prefix no other test uses. */
export function freshPrefix(label = 'spec'): string {
  return `${label}:${randomBytes(6).toString('hex')}:`;
}

/** File systems and raw clients opened by a test, closed after it. */
export function useRedis(): {
  open(extra?: Partial<RedisFileSystemOptions>): Promise<FileLikeSystem>;
  raw(url?: string): Redis;
  rawCluster(): Cluster;
} {
  const opened: FileLikeSystem[] = [];
  const clients: Array<Redis | Cluster> = [];
  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((fs) => fs.close()));
    for (const client of clients.splice(0)) client.disconnect();
  });
  return {
    open: async (extra = {}) => {
      const fs = await createFileSystem({
        backend: 'redis',
        url: redisUrl,
        keyPrefix: freshPrefix(),
        ...extra,
      } as RedisFileSystemOptions);
      opened.push(fs);
      return fs;
    },
    raw: (url = redisUrl) => {
      const client = new Redis(url);
      clients.push(client);
      return client;
    },
    rawCluster: () => {
      const client = new Cluster(clusterNodes);
      clients.push(client);
      return client;
    },
  };
}

/** One server and the cluster: each Redis file system runs on one or the other. */
export const TOPOLOGIES: Array<{
  name: string;
  options: () => Partial<RedisFileSystemOptions>;
  raw: () => Redis | Cluster;
}> = [
  { name: 'one server', options: () => ({ url: redisUrl }), raw: () => new Redis(redisUrl) },
  {
    name: 'cluster',
    options: () => ({ cluster: { nodes: clusterNodes } }),
    raw: () => new Cluster(clusterNodes),
  },
];

/** Closes, after each test, the file systems and raw clients it was given. */
export function useCleanup(): <T extends FileLikeSystem | Redis | Cluster>(opened: T) => T {
  const systems: FileLikeSystem[] = [];
  const clients: Array<Redis | Cluster> = [];
  afterEach(async () => {
    await Promise.allSettled(systems.splice(0).map((fs) => fs.close()));
    for (const client of clients.splice(0)) client.disconnect();
  });
  return (opened) => {
    if (opened instanceof Redis || opened instanceof Cluster) clients.push(opened);
    else systems.push(opened as FileLikeSystem);
    return opened;
  };
}

import { randomBytes } from 'node:crypto';
import type { RedisFileSystemOptions } from '../../lib/backends/redis/redis-options';
import { describeConformance } from './suite';

/** The conformance suite on the test Redis `connection` gives (a server or a cluster). */
export function describeRedisConformance(
  name: string,
  connection: () => Pick<RedisFileSystemOptions, 'url' | 'cluster'>,
): void {
  describeConformance({
    name,
    unavailable: () => process.env.AIOFS_TEST_REDIS_UNAVAILABLE,
    newStore: async () => ({
      backend: 'redis',
      ...connection(),
      keyPrefix: `conformance:${randomBytes(6).toString('hex')}:`,
    }),
    capabilities: {
      crossProcess: true,
      sharedStore: true,
      minLockTtlMs: 1,
      fileAndFolderSameName: true,
      bigFileBytes: 4 << 20,
    },
    invalidPaths: ['a:b', 'x{y', 'x}y'],
  });
}

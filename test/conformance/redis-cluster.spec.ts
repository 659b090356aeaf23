import { randomBytes } from 'node:crypto';
import { describeConformance } from './suite';

describeConformance({
  name: 'redis-cluster',
  unavailable: () => process.env.AIOFS_TEST_REDIS_UNAVAILABLE,
  newStore: async () => ({
    backend: 'redis',
    cluster: { nodes: process.env.AIOFS_TEST_REDIS_CLUSTER_NODES!.split(',') },
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

import { describeConformance } from './suite';

describeConformance({
  name: 'memory',
  newStore: async () => ({ backend: 'memory' }),
  capabilities: {
    crossProcess: false,
    sharedStore: false,
    minLockTtlMs: 1,
    fileAndFolderSameName: true,
    bigFileBytes: 1 << 20,
  },
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { describeConformance } from './suite';

const base = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-conformance-'));
let n = 0;
afterAll(() => rmSync(base, { recursive: true, force: true }));

describeConformance({
  name: 'local',
  newStore: async () => ({ backend: 'local', root: nodePath.join(base, `store-${++n}`) }),
  capabilities: {
    crossProcess: true,
    sharedStore: true,
    minLockTtlMs: 1,
    fileAndFolderSameName: false,
    bigFileBytes: 4 << 20,
  },
});

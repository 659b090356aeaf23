import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { describeSampleProcess } from './sample-process.e2e';

const base = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-e2e-process-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describeSampleProcess({
  name: 'local',
  env: () => ({ AIOFS_URL: `file://${base}` }),
  limitMiB: 64,
});

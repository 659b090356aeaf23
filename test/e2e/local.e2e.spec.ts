import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { describeSampleE2E } from './sample.e2e';

const base = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-e2e-'));
let n = 0;
afterAll(() => rmSync(base, { recursive: true, force: true }));

describeSampleE2E({
  name: 'local',
  env: () => ({ AIOFS_URL: `file://${nodePath.join(base, `root-${++n}`)}` }),
  // nothing ever lands beside the roots
  afterEach: () => expect(readdirSync(base).every((entry) => /^root-\d+$/.test(entry))).toBe(true),
});

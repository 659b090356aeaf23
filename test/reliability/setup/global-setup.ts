import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import startServers from '../../servers/global-setup';
import { buildWorker } from '../support/build-worker';

/**
 * The shared servers of `npm test` (scenario 5 starts private ones of its own), the compiled
 * worker, and a folder where each scenario leaves its figures for the teardown's report.
 */
export default async function globalSetup(): Promise<void> {
  const [, built] = await Promise.all([startServers(), buildWorker()]);
  process.env.AIOFS_RELIABILITY_WORKER = built.worker;
  process.env.AIOFS_RELIABILITY_BUILD = built.dir;
  process.env.AIOFS_RELIABILITY_RESULTS = mkdtempSync(
    nodePath.join(tmpdir(), 'aiofs-reliability-results-'),
  );
}

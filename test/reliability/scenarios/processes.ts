import { COUNTS_NOW } from '../scale';
import { dropStore } from '../support/stores';
import { startWorkers, type WorkerProcess } from '../support/worker-process';
import type { ReliabilityTarget } from '../targets';
import { contentionScenario } from './contention';
import { counterScenario } from './counter';
import { tornReadScenario } from './torn-reads';

/** Scenarios 1–3, run by the same pool of worker processes on one store. */
export function processScenarios(target: ReliabilityTarget): void {
  describe('many processes', () => {
    let workers: WorkerProcess[] = [];
    const options = target.newStore();
    beforeAll(async () => {
      workers = await startWorkers(COUNTS_NOW.processes, options);
    }, 120_000);
    afterAll(async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await dropStore(options);
    }, 60_000);
    const pool = () => ({ workers, options });
    contentionScenario(target, pool);
    counterScenario(target, pool);
    tornReadScenario(target, pool);
  });
}

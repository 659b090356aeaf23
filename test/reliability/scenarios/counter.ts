import { createFileSystem } from '../../../lib';
import { num, scenarioTest } from '../report/record';
import { COUNTS_NOW } from '../scale';
import type { IncrementResult } from '../support/protocol';
import type { WorkerProcess } from '../support/worker-process';
import type { ReliabilityTarget } from '../targets';

/**
 * Scenario 2: the same processes increment one counter file under `r+` (read, add one, write,
 * close), retrying on BlockingIOError. The final value must equal the number of successful
 * commits, and the values the commits wrote must be exactly 1..N, each once.
 */
export function counterScenario(
  target: ReliabilityTarget,
  pool: () => { workers: WorkerProcess[]; options: object },
): void {
  // Azure and S3 commit in several HTTP round trips.
  const perProcess =
    target.name === 'azure' || target.name === 's3'
      ? COUNTS_NOW.azureIncrements
      : COUNTS_NOW.increments;
  scenarioTest(
    'counter',
    target.name,
    `${COUNTS_NOW.processes} processes × ${perProcess} read-modify-write increments lose no update`,
    async () => {
      const { workers, options } = pool();
      const fs = await createFileSystem(options as never);
      try {
        await fs.writeFile('counter.txt', '0');
        const results = await Promise.all(
          workers.map((w) =>
            w.call<IncrementResult>({ op: 'increment', path: 'counter.txt', count: perProcess }),
          ),
        );
        const committed = results.flatMap((r) => r.committed).sort((a, b) => a - b);
        const blocked = results.reduce((sum, r) => sum + r.blocked, 0);
        const failedCommits = results.flatMap((r) => r.failedCommits);
        const final = Number((await fs.readFile('counter.txt')).toString());
        expect(final).toBe(committed.length);
        expect(committed).toEqual(Array.from({ length: committed.length }, (_, i) => i + 1));
        expect(committed.length).toBe(workers.length * perProcess);
        const lost = committed.length - final;
        return {
          load: `${workers.length} processes × ${perProcess} increments`,
          result: `final value ${num(final)} = ${num(committed.length)} commits; lost updates ${lost}; ${num(blocked)} BlockingIOError retried; ${failedCommits.length} refused commits`,
          numbers: {
            processes: workers.length,
            commits: committed.length,
            final,
            lost,
            blocked,
            failedCommits: failedCommits.length,
          },
        };
      } finally {
        await fs.close();
      }
    },
    900_000,
  );
}

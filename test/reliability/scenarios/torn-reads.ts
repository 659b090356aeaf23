import { createFileSystem } from '../../../lib';
import { num, scenarioTest } from '../report/record';
import { COUNTS_NOW } from '../scale';
import type { TornReadResult, TornWriteResult } from '../support/protocol';
import { versionBytes, versionId } from '../support/versions';
import type { WorkerProcess } from '../support/worker-process';
import type { ReliabilityTarget } from '../targets';

/**
 * Scenario 3: some processes commit self-checking versions of one file (writeFile, a `w` handle,
 * a write stream; sizes across the backends' chunk and block sizes) while the others read it in a
 * loop (whole reads, ranges, read streams). Every read must be exactly one committed version (or
 * the asked part of one), and no reader may see a writer's older version after a newer one.
 */
export function tornReadScenario(
  target: ReliabilityTarget,
  pool: () => { workers: WorkerProcess[]; options: object },
): void {
  const { tornWriters, tornReaders, tornVersions } = COUNTS_NOW;
  scenarioTest(
    'torn',
    target.name,
    `${tornReaders} readers never see a torn read while ${tornWriters} writers commit ${tornVersions} versions each`,
    async () => {
      const { workers, options } = pool();
      const writers = workers.slice(0, tornWriters);
      const readers = workers.slice(tornWriters, tornWriters + tornReaders);
      const fs = await createFileSystem(options as never);
      try {
        await fs.writeFile('torn.bin', versionBytes(versionId(0, 1), 100));
        const reading = readers.map((r) =>
          r.call<TornReadResult>({ op: 'tornRead', path: 'torn.bin' }),
        );
        let written: TornWriteResult[];
        try {
          written = await Promise.all(
            writers.map((w, i) =>
              w.call<TornWriteResult>({
                op: 'tornWrite',
                path: 'torn.bin',
                writer: i + 1,
                versions: tornVersions,
                sizes: target.tornSizes,
              }),
            ),
          );
        } finally {
          await Promise.all(readers.map((r) => r.call({ op: 'stop' })));
        }
        const read = await Promise.all(reading);
        const sum = (f: (r: TornReadResult) => number) => read.reduce((s, r) => s + f(r), 0);
        const reads = sum((r) => r.reads);
        const torn = sum((r) => r.torn);
        const stale = sum((r) => r.stale);
        const commits = written.reduce((s, w) => s + w.commits, 0);
        const mib = written.reduce((s, w) => s + w.bytes, 0) / 2 ** 20;
        expect(read.flatMap((r) => r.problems)).toEqual([]);
        expect({ torn, stale }).toEqual({ torn: 0, stale: 0 });
        expect(commits).toBe(tornWriters * tornVersions);
        expect(read.every((r) => r.reads > 0)).toBe(true);
        return {
          load: `${tornWriters} writer + ${tornReaders} reader processes; ${num(commits)} versions (${mib.toFixed(0)} MiB, up to ${((Math.max(...target.tornSizes) * 16) / 2 ** 20).toFixed(1)} MiB each)`,
          result: `${num(reads)} reads (${num(sum((r) => r.ranged))} ranges, ${num(sum((r) => r.streamed))} streams); torn reads ${torn}; stale reads ${stale}`,
          numbers: { writers: tornWriters, readers: tornReaders, commits, reads, torn, stale },
        };
      } finally {
        await fs.close();
      }
    },
    900_000,
  );
}

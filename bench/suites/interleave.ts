import { withPeakRss, type Bench, type BenchCase, type BenchResult } from '../harness';

const MiB = 1024 * 1024;

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * Bench.workload with the cases taking turns, one repetition each: on a machine whose load
 * changes during the run (other processes, a shared CI box), every case is slowed alike and the
 * ratios stay fair. The rows go into `bench.results` like the harness's own.
 */
export async function interleavedWorkload(
  bench: Bench,
  backend: string,
  workload: string,
  cases: BenchCase[],
  options: { repetitions?: number; warmup?: number; bytes?: number; note?: string } = {},
): Promise<BenchResult[]> {
  const repetitions = options.repetitions ?? bench.options.repetitions;
  const warmup = options.warmup ?? bench.options.warmup;
  for (const c of cases) await c.setup?.();
  for (let i = 0; i < warmup; i++) for (const c of cases) await c.run();
  const times: number[][] = cases.map(() => []);
  const { peak, baseline } = await withPeakRss(async () => {
    for (let i = 0; i < repetitions; i++) {
      for (const [at, c] of cases.entries()) {
        const started = performance.now();
        await c.run();
        times[at].push(performance.now() - started);
      }
    }
  });
  for (const c of cases) await c.teardown?.();
  const rows: BenchResult[] = cases.map((c, at) => {
    const sorted = times[at].sort((a, b) => a - b);
    const median = quantile(sorted, 0.5);
    return {
      backend,
      workload,
      subject: c.subject,
      repetitions,
      medianMs: median,
      p25Ms: quantile(sorted, 0.25),
      p75Ms: quantile(sorted, 0.75),
      minMs: sorted[0],
      ratio: 1,
      throughputMiBs: options.bytes ? options.bytes / MiB / (median / 1000) : undefined,
      peakRssMiB: peak / MiB,
      rssGrowthMiB: (peak - baseline) / MiB,
      note: options.note,
    };
  });
  for (const row of rows) {
    row.ratio = row.medianMs / rows[0].medianMs;
    process.stdout.write(
      `  ${backend} | ${workload} | ${row.subject}: ${row.medianMs.toFixed(3)} ms\n`,
    );
  }
  bench.results.push(...rows);
  return rows;
}

import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';

/** One way of doing a workload: aiofs or the raw client it is compared with. */
export interface BenchCase {
  subject: string;
  run: () => Promise<unknown>;
  /** Runs before the timed repetitions (not timed). */
  setup?: () => Promise<unknown>;
  teardown?: () => Promise<unknown>;
}

export interface WorkloadOptions {
  warmup?: number;
  repetitions?: number;
  /** Bytes moved by one run, for a throughput column. */
  bytes?: number;
  /** A note shown under the table (e.g. round trips counted). */
  note?: string;
}

export interface BenchResult {
  backend: string;
  workload: string;
  subject: string;
  repetitions: number;
  medianMs: number;
  p25Ms: number;
  p75Ms: number;
  minMs: number;
  /** This case's median over the first (reference) case's median in the same workload. */
  ratio: number;
  throughputMiBs?: number;
  /** Highest RSS seen while the case ran, and its growth over the RSS just before. */
  peakRssMiB: number;
  rssGrowthMiB: number;
  note?: string;
}

const MiB = 1024 * 1024;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Samples RSS every few ms while `action` runs; returns the peak. */
export async function withPeakRss<T>(
  action: () => Promise<T>,
): Promise<{ result: T; peak: number; baseline: number }> {
  gc();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  try {
    const result = await action();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peak, baseline };
  } finally {
    clearInterval(timer);
  }
}

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** A benchmark run: workloads of cases, each timed with warm-up and repetitions; median and spread. */
export class Bench {
  readonly results: BenchResult[] = [];

  constructor(readonly options: { quick: boolean; repetitions: number; warmup: number }) {}

  async workload(
    backend: string,
    workload: string,
    cases: BenchCase[],
    options: WorkloadOptions = {},
  ): Promise<BenchResult[]> {
    const repetitions = options.repetitions ?? this.options.repetitions;
    const warmup = options.warmup ?? this.options.warmup;
    const rows: BenchResult[] = [];
    for (const c of cases) {
      await c.setup?.();
      for (let i = 0; i < warmup; i++) await c.run();
      const times: number[] = [];
      const { peak, baseline } = await withPeakRss(async () => {
        for (let i = 0; i < repetitions; i++) {
          const started = performance.now();
          await c.run();
          times.push(performance.now() - started);
        }
      });
      await c.teardown?.();
      times.sort((a, b) => a - b);
      const median = quantile(times, 0.5);
      rows.push({
        backend,
        workload,
        subject: c.subject,
        repetitions,
        medianMs: median,
        p25Ms: quantile(times, 0.25),
        p75Ms: quantile(times, 0.75),
        minMs: times[0],
        ratio: rows.length === 0 ? 1 : median / rows[0].medianMs,
        throughputMiBs: options.bytes ? options.bytes / MiB / (median / 1000) : undefined,
        peakRssMiB: peak / MiB,
        rssGrowthMiB: (peak - baseline) / MiB,
        note: options.note,
      });
      process.stdout.write(`  ${backend} | ${workload} | ${c.subject}: ${median.toFixed(3)} ms\n`);
    }
    this.results.push(...rows);
    return rows;
  }

  /** A one-shot measurement (e.g. a 1 GiB stream) with its peak RSS growth. */
  async once(
    backend: string,
    workload: string,
    subject: string,
    action: () => Promise<unknown>,
    bytes?: number,
  ): Promise<BenchResult> {
    const started = performance.now();
    const { peak, baseline } = await withPeakRss(action);
    const ms = performance.now() - started;
    const row: BenchResult = {
      backend,
      workload,
      subject,
      repetitions: 1,
      medianMs: ms,
      p25Ms: ms,
      p75Ms: ms,
      minMs: ms,
      ratio: 1,
      throughputMiBs: bytes ? bytes / MiB / (ms / 1000) : undefined,
      peakRssMiB: peak / MiB,
      rssGrowthMiB: (peak - baseline) / MiB,
    };
    process.stdout.write(
      `  ${backend} | ${workload} | ${subject}: ${ms.toFixed(0)} ms, RSS +${row.rssGrowthMiB.toFixed(1)} MiB\n`,
    );
    this.results.push(row);
    return row;
  }

  table(): string {
    const head =
      '| backend | workload | subject | median ms | p25–p75 ms | ratio | MiB/s | peak RSS MiB (growth) |';
    const lines = [head, '|---|---|---|---:|---:|---:|---:|---:|'];
    for (const r of this.results) {
      lines.push(
        `| ${r.backend} | ${r.workload} | ${r.subject} | ${r.medianMs.toFixed(3)} | ${r.p25Ms.toFixed(3)}–${r.p75Ms.toFixed(3)} | ${r.ratio.toFixed(2)}× | ${
          r.throughputMiBs === undefined ? '' : r.throughputMiBs.toFixed(0)
        } | ${r.peakRssMiB.toFixed(0)} (+${r.rssGrowthMiB.toFixed(1)}) |`,
      );
    }
    const notes = [
      ...new Set(this.results.filter((r) => r.note).map((r) => `- ${r.workload}: ${r.note}`)),
    ];
    return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
  }

  save(dir: string): string {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const data = { machine: machine(), options: this.options, results: this.results };
    const file = nodePath.join(dir, `bench-${stamp}.json`);
    writeFileSync(file, JSON.stringify(data, null, 2));
    writeFileSync(nodePath.join(dir, 'latest.json'), JSON.stringify(data, null, 2));
    return file;
  }
}

export function machine(): Record<string, unknown> {
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    date: new Date().toISOString(),
  };
}

import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';

/** One way of doing a workload: aiofs, the raw client, or a peer library. */
export interface BenchCase {
  subject: string;
  /** Groups rows across workloads and backends: 'raw', 'aiofs', 'unstorage', … */
  kind?: string;
  run: () => Promise<unknown>;
  /** Runs before the first repetition (not timed). */
  setup?: () => Promise<unknown>;
  /** Checked before anything is timed: why the subject's answer is wrong, or undefined. */
  wrongResult?: () => Promise<string | undefined>;
  teardown?: () => Promise<unknown>;
}

export interface WorkloadOptions {
  warmup?: number;
  repetitions?: number;
  /** A case whose first run shows it would take longer than this gets fewer repetitions… */
  budgetMs?: number;
  /** …but never fewer than these. */
  minRepetitions?: number;
  /** Operations one run does (small ones are timed in sequential batches); times are per operation. */
  ops?: number;
  /** Bytes one operation moves, for a throughput column. */
  bytes?: number;
  /** A garbage collection before every run, so that each case starts from the same heap. */
  gcEachRun?: boolean;
  note?: string;
}

interface RowBase {
  backend: string;
  workload: string;
  subject: string;
  kind?: string;
  note?: string;
}

export interface BenchResult extends RowBase {
  repetitions: number;
  /** Operations per timed run; the times below are per operation. */
  ops: number;
  medianMs: number;
  p25Ms: number;
  p75Ms: number;
  minMs: number;
  /** This case's median over the first (reference: the raw client) case's median. */
  ratio: number;
  throughputMiBs?: number;
  /** Highest RSS while this case ran (over its own runs), and its growth over the RSS just before. */
  peakRssMiB: number;
  rssGrowthMiB: number;
}

/** A subject that cannot do the workload: the table says why instead of showing a number. */
export interface Unsupported extends RowBase {
  unsupported: string;
}

export type BenchRow = BenchResult | Unsupported;

export function isMeasured(row: BenchRow): row is BenchResult {
  return !('unsupported' in row);
}

/** When a backend's suite ran, and how busy the machine was as it started. */
export interface SuiteRun {
  started: string;
  /** 1, 5 and 15 minute load averages when the suite started. */
  loadAverage: number[];
  seconds: number;
}

export interface BenchData {
  /** The machine as the run started (its load average included). */
  machine: Record<string, unknown>;
  suites: Record<string, SuiteRun>;
  versions: Record<string, string>;
  options: BenchOptions;
  /** Suites or subjects left out, with the reason. */
  skipped: string[];
  /** What a backend's table should say beneath it (round trips counted, for example). */
  notes: Record<string, string[]>;
  results: BenchRow[];
}

export interface BenchOptions {
  quick: boolean;
  repetitions: number;
  warmup: number;
}

const MiB = 1024 * 1024;

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Peak RSS while something runs: sampled every 5 ms, and the kernel's high-water mark (maxRSS)
 * when it rose meanwhile (a burst between two samples).
 */
class RssProbe {
  readonly baseline = process.memoryUsage.rss();
  private readonly maxRssBefore = process.resourceUsage().maxRSS;
  private peak = this.baseline;
  private readonly timer = setInterval(() => {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }, 5);

  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
    const maxRss = process.resourceUsage().maxRSS;
    if (maxRss > this.maxRssBefore) this.peak = Math.max(this.peak, maxRss * 1024);
    return this.peak;
  }
}

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * A benchmark run. A workload's cases take turns, one run each per round (after an interleaved
 * warm-up), so that a change of load on a shared machine slows every case alike. Each run is
 * timed alone and watched for RSS on its own: a case's peak RSS comes from its own runs only.
 */
export class Bench {
  readonly results: BenchRow[] = [];
  readonly versions: Record<string, string> = {};
  readonly skipped: string[] = [];
  readonly notes: Record<string, string[]> = {};
  readonly suites: Record<string, SuiteRun> = {};
  readonly machine = machine();

  constructor(readonly options: BenchOptions) {}

  /** Runs one backend's suite, recording when it started and the load average then. */
  async suite<T>(backend: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const record: SuiteRun = {
      started: new Date().toISOString(),
      loadAverage: loadAverage(),
      seconds: 0,
    };
    this.suites[backend] = record;
    try {
      return await run();
    } finally {
      record.seconds = Math.round((performance.now() - started) / 1000);
    }
  }

  async workload(
    backend: string,
    workload: string,
    cases: BenchCase[],
    options: WorkloadOptions = {},
  ): Promise<BenchResult[]> {
    const repetitions = options.repetitions ?? this.options.repetitions;
    const warmup = options.warmup ?? this.options.warmup;
    const ops = options.ops ?? 1;
    const state = cases.map(() => ({
      times: [] as number[],
      target: repetitions,
      peak: 0,
      growth: 0,
    }));
    try {
      for (const c of cases) await c.setup?.();
      for (let i = 0; i < warmup; i++) for (const c of cases) await c.run();
      for (let round = 0; state.some((s) => s.times.length < s.target); round++) {
        for (const [at, c] of cases.entries()) {
          const s = state[at];
          if (s.times.length >= s.target) continue;
          if (options.gcEachRun) gc();
          const probe = new RssProbe();
          const started = performance.now();
          await c.run();
          const ms = performance.now() - started;
          const peak = probe.stop();
          s.times.push(ms / ops);
          s.peak = Math.max(s.peak, peak);
          s.growth = Math.max(s.growth, peak - probe.baseline);
          if (round === 0 && options.budgetMs !== undefined) {
            const affordable = Math.floor(options.budgetMs / ms);
            s.target = Math.min(repetitions, Math.max(options.minRepetitions ?? 3, affordable));
          }
        }
      }
    } finally {
      for (const c of cases) await c.teardown?.();
    }
    const rows = cases.map((c, at): BenchResult => {
      const sorted = state[at].times.sort((a, b) => a - b);
      const median = quantile(sorted, 0.5);
      return {
        backend,
        workload,
        subject: c.subject,
        kind: c.kind,
        repetitions: sorted.length,
        ops,
        medianMs: median,
        p25Ms: quantile(sorted, 0.25),
        p75Ms: quantile(sorted, 0.75),
        minMs: sorted[0],
        ratio: 1,
        throughputMiBs: options.bytes ? options.bytes / MiB / (median / 1000) : undefined,
        peakRssMiB: state[at].peak / MiB,
        rssGrowthMiB: state[at].growth / MiB,
        note: options.note,
      };
    });
    for (const row of rows) {
      row.ratio = row.medianMs / rows[0].medianMs;
      process.stdout.write(
        `  ${backend} | ${workload} | ${row.subject}: ${formatMs(row.medianMs)} (${row.ratio.toFixed(2)}×, ${row.repetitions} reps, RSS +${row.rssGrowthMiB.toFixed(1)} MiB)\n`,
      );
    }
    this.results.push(...rows);
    return rows;
  }

  /** Records that `subject` cannot do `workload`, and why. */
  unsupported(
    backend: string,
    workload: string,
    subject: string,
    reason: string,
    kind?: string,
  ): void {
    process.stdout.write(`  ${backend} | ${workload} | ${subject}: n/a (${reason})\n`);
    this.results.push({ backend, workload, subject, kind, unsupported: reason });
  }

  skip(reason: string): void {
    process.stdout.write(`  skipped: ${reason}\n`);
    this.skipped.push(reason);
  }

  note(backend: string, text: string): void {
    (this.notes[backend] ??= []).push(text);
  }

  data(): BenchData {
    return {
      machine: this.machine,
      suites: this.suites,
      versions: this.versions,
      options: this.options,
      skipped: this.skipped,
      notes: this.notes,
      results: this.results,
    };
  }

  /** Writes the run to `file` (its folder made if needed). */
  save(file: string): void {
    mkdirSync(nodePath.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(this.data(), null, 2)}\n`);
  }
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: `${cpus.length} × ${cpus[0]?.model ?? '?'}`,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage: loadAverage(),
    date: new Date().toISOString(),
  };
}

export function loadAverage(): number[] {
  return os.loadavg().map((l) => Number(l.toFixed(2)));
}

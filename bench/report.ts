import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { chartSvg, subjectsOf } from './chart';
import { formatMs, isMeasured, type BenchData, type BenchResult, type BenchRow } from './harness';

const BACKEND_TITLES: Record<string, string> = {
  local: 'Local disk',
  redis: 'Redis (private redis-server on localhost)',
  azure: 'Azure Blob (private Azurite on localhost)',
  s3: 'S3 (private moto server on localhost)',
};

/** A figure an earlier issue bounded: `subject`'s median against `reference`'s in one workload. */
interface Target {
  backend: string;
  figure: string;
  workload: RegExp;
  subject: string;
  reference: string;
  /** Time ratio at most this; with `throughput`, shown as a throughput ratio of at least 1/bound. */
  bound?: number;
  throughput?: boolean;
  /** Instead of a ratio: RSS growth of the subject's own runs at most this many MiB. */
  rssMiB?: number;
}

const TARGETS: Target[] = [
  {
    backend: 'local',
    figure: 'readFile 4 KiB vs fs.promises.readFile',
    workload: /^read 4 KiB$/,
    subject: 'aiofs',
    reference: 'fs/promises',
    bound: 1.25,
  },
  {
    backend: 'local',
    figure: 'readFile 16 MiB vs fs.promises.readFile',
    workload: /^target: read 16 MiB$/,
    subject: 'aiofs',
    reference: 'fs.promises.readFile',
    bound: 1.25,
  },
  {
    backend: 'local',
    figure: 'writeFile 4 KiB (durable) vs writeFile + fsync of file and folder',
    workload: /^write 4 KiB$/,
    subject: 'aiofs',
    reference: 'fs/promises + fsync of file and folder',
    bound: 1.5,
  },
  {
    backend: 'local',
    figure: 'writeFile 16 MiB (durable) vs writeFile + fsync of file and folder',
    workload: /^target: write 16 MiB durable$/,
    subject: 'aiofs',
    reference: 'fs/promises + fsync of file and folder',
    bound: 1.5,
  },
  {
    backend: 'local',
    figure: 'writeFile 4 KiB, durable: false, vs plain writeFile',
    workload: /^write 4 KiB$/,
    subject: 'aiofs (durable: false)',
    reference: 'fs/promises',
  },
  {
    backend: 'local',
    figure: 'writeFile 16 MiB, durable: false, vs plain writeFile',
    workload: /^target: write 16 MiB, durable: false$/,
    subject: 'aiofs (durable: false)',
    reference: 'fs.promises.writeFile',
  },
  {
    backend: 'local',
    figure: '4 KiB range of a 1 GiB file vs positioned FileHandle.read',
    workload: /^target: range read 4 KiB of 1 GiB$/,
    subject: 'aiofs',
    reference: 'FileHandle.read (open, read, close)',
    bound: 2,
  },
  {
    backend: 'local',
    figure: 'stream write 256 MiB: peak RSS growth',
    workload: /^stream write 256 MiB$/,
    subject: 'aiofs',
    reference: 'raw',
    rssMiB: 64,
  },
  {
    backend: 'local',
    figure: 'stream read 256 MiB: peak RSS growth',
    workload: /^stream read 256 MiB$/,
    subject: 'aiofs',
    reference: 'raw',
    rssMiB: 64,
  },
  {
    backend: 'redis',
    figure: 'readFile 4 KiB vs GET',
    workload: /^read 4 KiB$/,
    subject: 'aiofs',
    reference: 'raw',
    bound: 1.2,
  },
  {
    backend: 'redis',
    figure: 'writeFile 4 KiB vs SET',
    workload: /^write 4 KiB$/,
    subject: 'aiofs',
    reference: 'raw',
    bound: 1.5,
  },
  {
    backend: 'redis',
    figure: 'ls over 100 000 keys vs scanStream (same MATCH)',
    workload: /^list 100 000 /,
    subject: 'aiofs',
    reference: 'raw',
    bound: 1.2,
  },
  {
    backend: 'redis',
    figure: 'stream write 256 MiB: peak RSS growth',
    workload: /^stream write 256 MiB$/,
    subject: 'aiofs',
    reference: 'raw',
    rssMiB: 64,
  },
  {
    backend: 'redis',
    figure: 'stream read 256 MiB: peak RSS growth',
    workload: /^stream read 256 MiB$/,
    subject: 'aiofs',
    reference: 'raw',
    rssMiB: 64,
  },
  {
    backend: 'azure',
    figure: 'writeFile 64 MiB: throughput vs uploadData',
    workload: /^write 64 MiB$/,
    subject: 'aiofs',
    reference: 'raw',
    bound: 1.25,
    throughput: true,
  },
  {
    backend: 'azure',
    figure: 'readFile 64 MiB: throughput vs downloadToBuffer',
    workload: /^read 64 MiB$/,
    subject: 'aiofs',
    reference: 'raw',
    bound: 1.25,
    throughput: true,
  },
  {
    backend: 'azure',
    figure: '4 KiB range read vs ranged download',
    workload: /^range read 4 KiB /,
    subject: 'aiofs',
    reference: 'raw',
    bound: 1.2,
  },
  {
    backend: 'azure',
    figure: 'stream write 256 MiB: peak RSS growth',
    workload: /^stream write 256 MiB$/,
    subject: 'aiofs',
    reference: 'raw',
    rssMiB: 96,
  },
  {
    backend: 'azure',
    figure: 'stream read 256 MiB: peak RSS growth',
    workload: /^stream read 256 MiB$/,
    subject: 'aiofs',
    reference: 'raw',
    rssMiB: 96,
  },
  {
    backend: 's3',
    figure: 'readFile 4 KiB vs GetObject',
    workload: /^read 4 KiB$/,
    subject: 'aiofs',
    reference: 'raw',
    bound: 1.2,
  },
  {
    backend: 's3',
    figure: 'writeFile 64 MiB: throughput vs lib-storage Upload',
    workload: /^write 64 MiB$/,
    subject: 'aiofs',
    reference: '@aws-sdk/lib-storage Upload',
    bound: 1.25,
    throughput: true,
  },
  {
    backend: 's3',
    figure: '4 KiB range read vs ranged GetObject',
    workload: /^range read 4 KiB /,
    subject: 'aiofs',
    reference: 'raw',
    bound: 1.2,
  },
  {
    backend: 's3',
    figure: 'list 10 000 by prefix vs ListObjectsV2 pages',
    workload: /^list 10 000 of /,
    subject: 'aiofs',
    reference: 'raw',
    bound: 1.2,
  },
  {
    backend: 's3',
    figure: 'stream write 256 MiB: peak RSS growth',
    workload: /^stream write 256 MiB$/,
    subject: 'aiofs',
    reference: 'raw',
    rssMiB: 96,
  },
  {
    backend: 's3',
    figure: 'stream read 256 MiB: peak RSS growth',
    workload: /^stream read 256 MiB$/,
    subject: 'aiofs',
    reference: 'raw',
    rssMiB: 96,
  },
];

function ratioText(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

function cell(row: BenchRow | undefined): string {
  if (!row) return '';
  if (!isMeasured(row)) return `n/a: ${row.unsupported}`;
  const time =
    row.ratio === 1 && row.kind === 'raw'
      ? formatMs(row.medianMs)
      : `**${ratioText(row.ratio)}** (${formatMs(row.medianMs)})`;
  // Streams are about memory too: their cells show the RSS growth of the case's own runs.
  return row.workload.startsWith('stream ')
    ? `${time}, RSS +${row.rssGrowthMiB.toFixed(0)} MiB`
    : time;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function versionsLine(data: BenchData): string {
  return Object.entries(data.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
}

/** The header: machine, versions, settings, and what was left out. */
export function header(data: BenchData): string {
  const m = data.machine;
  const when = (iso: unknown) => `${String(iso).slice(0, 16).replace('T', ' ')} UTC`;
  const starts = Object.values(data.suites ?? {})
    .map((run) => run.started)
    .sort();
  const lines = [
    `${starts.length > 1 ? `Figures of ${when(starts[0])} to ${when(starts.at(-1))}; every backend's rows come from one process and run` : `Run of ${when(m.date)}`}${data.options.quick ? ' (`--quick`: small sizes, few repetitions — a smoke run, not figures)' : ''}.`,
    '',
    `- Machine: ${cpu(m)}, ${m.memoryGiB} GiB RAM, ${m.platform}; load averages (1 / 5 / 15 min) as each backend's suite started below. The machine is shared: other processes ran meanwhile.`,
  ];
  for (const [backend, run] of Object.entries(data.suites ?? {}))
    lines.push(
      `- ${backend}: started ${when(run.started)}, load average ${run.loadAverage.join(' / ')} then, ${run.seconds} s.`,
    );
  lines.push(
    `- Node ${m.node}; ${versionsLine(data)}.`,
    `- Warm-up ${data.options.warmup} round(s), up to ${data.options.repetitions} timed rounds per workload unless its row says fewer; cases take turns, one run each per round.`,
  );
  for (const skipped of data.skipped) lines.push(`- Left out: ${skipped}.`);
  return lines.join('\n');
}

function cpu(m: Record<string, unknown>): string {
  const [cores, model] = String(m.cpus).split(' × ');
  return `${model}, ${cores} logical cores`;
}

function byWorkload(rows: BenchRow[]): Map<string, BenchRow[]> {
  const map = new Map<string, BenchRow[]>();
  for (const row of rows) map.set(row.workload, [...(map.get(row.workload) ?? []), row]);
  return map;
}

/** One table per backend: workloads down, subjects across; a ratio to the raw client and the median. */
export function matrixTable(data: BenchData, backend: string): string {
  const rows = data.results.filter(
    (r) => r.backend === backend && !r.workload.startsWith('target:'),
  );
  const subjects = subjectsOf(rows);
  const lines = [
    `| workload | ${subjects.map(escapeCell).join(' | ')} |`,
    `|---|${subjects.map(() => '---:').join('|')}|`,
  ];
  for (const [workload, group] of byWorkload(rows)) {
    const cells = subjects.map((s) => escapeCell(cell(group.find((r) => r.subject === s))));
    lines.push(`| ${workload} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Every measured row with its spread, repetitions, throughput and peak RSS. */
export function detailTable(data: BenchData, backend: string): string {
  const lines = [
    '| workload | subject | median | p25–p75 | reps × ops | ratio | MiB/s | peak RSS MiB (growth) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of data.results.filter((row) => row.backend === backend)) {
    if (!isMeasured(r)) {
      lines.push(`| ${r.workload} | ${escapeCell(r.subject)} | n/a: ${r.unsupported} | | | | | |`);
      continue;
    }
    lines.push(
      `| ${r.workload} | ${escapeCell(r.subject)} | ${formatMs(r.medianMs)} | ${formatMs(r.p25Ms)}–${formatMs(r.p75Ms)} | ${r.repetitions} × ${r.ops} | ${ratioText(r.ratio)} | ${
        r.throughputMiBs === undefined
          ? ''
          : r.throughputMiBs.toFixed(r.throughputMiBs < 10 ? 1 : 0)
      } | ${r.peakRssMiB.toFixed(0)} (+${r.rssGrowthMiB.toFixed(1)}) |`,
    );
  }
  return lines.join('\n');
}

function find(data: BenchData, t: Target, subject: string): BenchResult | undefined {
  const rows = data.results.filter(
    (r): r is BenchResult =>
      r.backend === t.backend && t.workload.test(r.workload) && isMeasured(r),
  );
  if (subject === 'raw') return rows.find((r) => r.kind === 'raw' && r.ratio === 1);
  return rows.find((r) => r.subject === subject);
}

/** The per-backend figures of the earlier issues: measured, bound, and whether it holds. */
export function targetTable(data: BenchData): string {
  const lines = ['| backend | figure | bound | measured | holds |', '|---|---|---:|---:|:---:|'];
  for (const t of TARGETS) {
    const mine = find(data, t, t.subject);
    const reference = find(data, t, t.reference);
    if (!mine || !reference) continue;
    let bound = '—';
    let measured: string;
    let holds = '';
    if (t.rssMiB !== undefined) {
      bound = `≤ ${t.rssMiB} MiB`;
      measured = `+${mine.rssGrowthMiB.toFixed(0)} MiB (${reference.subject}: +${reference.rssGrowthMiB.toFixed(0)})`;
      holds = mine.rssGrowthMiB <= t.rssMiB ? 'yes' : '**no**';
    } else {
      const ratio = mine.medianMs / reference.medianMs;
      if (t.throughput) {
        measured = `${(1 / ratio).toFixed(2)}× throughput`;
        if (t.bound) bound = `≥ ${(1 / t.bound).toFixed(2)}×`;
      } else {
        measured = ratioText(ratio);
        if (t.bound) bound = `≤ ${t.bound}×`;
      }
      if (t.bound) holds = ratio <= t.bound ? 'yes' : '**no**';
    }
    lines.push(`| ${t.backend} | ${t.figure} | ${bound} | ${measured} | ${holds} |`);
  }
  return lines.join('\n');
}

/** The generated part of docs/benchmarks.md. */
export function renderMarkdown(data: BenchData, chartPath?: string): string {
  const backends = [...new Set(data.results.map((r) => r.backend))];
  const parts = [header(data), ''];
  if (chartPath)
    parts.push(`![Time relative to the raw client, per workload and library](${chartPath})`, '');
  parts.push('### Against the earlier issues’ bounds', '', targetTable(data), '');
  for (const backend of backends) {
    parts.push(`### ${BACKEND_TITLES[backend] ?? backend}`, '');
    parts.push(
      'Median time per operation; in bold, the ratio to the raw client (first column) in the same run.',
      '',
      matrixTable(data, backend),
      '',
    );
    const notes = [
      ...new Set(
        data.results
          .filter((r) => r.backend === backend && r.note)
          .map((r) => `- ${r.workload}: ${r.note}`),
      ),
      ...(data.notes[backend] ?? []).map((n) => `- ${n}`),
    ];
    if (notes.length) parts.push(...notes, '');
    parts.push(
      '<details><summary>Every row: spread, repetitions, throughput, peak RSS</summary>',
      '',
      detailTable(data, backend),
      '',
      '</details>',
      '',
    );
  }
  return parts.join('\n');
}

const START = '<!-- bench:generated:start -->';
const END = '<!-- bench:generated:end -->';

const ROOT = nodePath.join(__dirname, '..');
const PUBLISHED = nodePath.join(ROOT, 'docs/benchmarks.json');
const CHART = nodePath.join(ROOT, 'docs/benchmarks.svg');
const DOC = nodePath.join(ROOT, 'docs/benchmarks.md');

/**
 * `later` over `earlier`: the backends `later` ran replace theirs (rows, notes, suite record);
 * machine, versions and options are the later run's.
 */
export function merge(earlier: BenchData, later: BenchData): BenchData {
  const replaced = new Set([
    ...Object.keys(later.suites ?? {}),
    ...later.results.map((r) => r.backend),
  ]);
  const notes = Object.fromEntries(
    Object.entries(earlier.notes).filter(([backend]) => !replaced.has(backend)),
  );
  const suites = Object.fromEntries(
    Object.entries(earlier.suites ?? {}).filter(([backend]) => !replaced.has(backend)),
  );
  const order = [...Object.keys(earlier.suites ?? {}), ...Object.keys(later.suites ?? {})];
  const results = [
    ...earlier.results.filter((r) => !replaced.has(r.backend)),
    ...later.results,
  ].sort((a, b) => order.indexOf(a.backend) - order.indexOf(b.backend));
  return {
    ...later,
    versions: { ...earlier.versions, ...later.versions },
    suites: Object.fromEntries(
      [...Object.entries(suites), ...Object.entries(later.suites ?? {})].sort(
        ([a], [b]) => order.indexOf(a) - order.indexOf(b),
      ),
    ),
    notes: { ...notes, ...later.notes },
    skipped: [...new Set([...earlier.skipped, ...later.skipped])],
    results,
  };
}

/**
 * Publishes full runs: each file's backends replace theirs in docs/benchmarks.json, then
 * docs/benchmarks.svg and the generated part of docs/benchmarks.md are written from it. With no
 * file, only regenerates the chart and the tables from docs/benchmarks.json.
 */
export async function publish(files: string[]): Promise<string> {
  let data = existsSync(PUBLISHED)
    ? (JSON.parse(readFileSync(PUBLISHED, 'utf8')) as BenchData)
    : undefined;
  for (const file of files) {
    const run = JSON.parse(readFileSync(file, 'utf8')) as BenchData;
    if (run.options.quick) throw new Error(`${file} is a --quick run: not published`);
    data = data ? merge(data, run) : run;
  }
  if (!data) throw new Error(`no ${PUBLISHED} and no run to publish`);
  await writeFormatted(PUBLISHED, JSON.stringify(data, null, 2));
  writeFileSync(CHART, chartSvg(data));
  const generated = [
    START,
    '<!-- Generated by `npm run bench` / `npm run bench:report` from docs/benchmarks.json: edit bench/report.ts, not this part. -->',
    '',
    renderMarkdown(data, 'benchmarks.svg'),
    END,
  ].join('\n');
  const text = existsSync(DOC) ? readFileSync(DOC, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from === -1 || to === -1) throw new Error(`${DOC} has no ${START} … ${END} part`);
  await writeFormatted(DOC, text.slice(0, from) + generated + text.slice(to + END.length));
  return `published ${files.length ? files.join(', ') : PUBLISHED} to ${PUBLISHED}, ${CHART} and ${DOC}`;
}

/** Writes `text` as the project's prettier settings format it (`npm run lint` checks docs). */
async function writeFormatted(file: string, text: string): Promise<void> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
}

/** `npm run bench:report [-- run.json …]`: see `publish`. */
if (require.main === module) {
  publish(process.argv.slice(2).map((file) => nodePath.resolve(file))).then(
    (message) => console.log(message),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}

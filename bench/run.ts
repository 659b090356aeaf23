import * as nodePath from 'node:path';
import { Bench } from './harness';
import { packageVersions } from './peers';
import { header, matrixTable, publish, targetTable } from './report';
import { suites } from './suites';

/**
 * `npm run bench [-- --quick] [-- --only local,redis] [-- --no-publish]`: every suite measures
 * aiofs, the raw client and the peer libraries doing the same work, in this one process and run.
 *
 * - Tables on stdout; the run's JSON in bench/results (git-ignored).
 * - A full run also publishes: docs/benchmarks.json (the backends it ran replace theirs there),
 *   docs/benchmarks.svg and the generated part of docs/benchmarks.md.
 * - `--quick` (CI smoke: small sizes, few repetitions) writes bench/results/quick.json only and
 *   never touches the published figures.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt === -1 ? undefined : args[onlyAt + 1]?.split(',');
  const unknown = only?.filter((name) => !(name in suites));
  if (unknown?.length)
    throw new Error(`--only: no suite ${unknown.join(', ')} (${Object.keys(suites).join(', ')})`);
  if (!(globalThis as { gc?: unknown }).gc)
    console.warn('(run with --expose-gc for steadier memory figures)');
  const started = performance.now();
  const bench = new Bench({ quick, repetitions: quick ? 3 : 30, warmup: quick ? 1 : 3 });
  Object.assign(bench.versions, packageVersions());
  console.log('machine:', JSON.stringify(bench.machine));
  for (const [name, suite] of Object.entries(suites)) {
    if (only && !only.includes(name)) continue;
    console.log(`\n## ${name}`);
    const skipped = await bench.suite(name, () => suite(bench));
    if (typeof skipped === 'string') bench.skip(`${name} suite: ${skipped}`);
  }
  const data = bench.data();
  console.log(`\n${header(data)}\n\n${targetTable(data)}`);
  for (const backend of new Set(data.results.map((r) => r.backend)))
    console.log(`\n### ${backend}\n\n${matrixTable(data, backend)}`);
  const dir = nodePath.join(__dirname, 'results');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = nodePath.join(dir, quick ? 'quick.json' : `bench-${stamp}.json`);
  bench.save(file);
  console.log(`\nsaved ${file} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  if (!quick && !args.includes('--no-publish')) console.log(await publish([file]));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

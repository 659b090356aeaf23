import { writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { chartSvg } from './chart';
import { Bench, machine } from './harness';
import { packageVersions } from './peers';
import { header, matrixTable, targetTable } from './report';
import { suites } from './suites';

/**
 * `npm run bench [-- --quick] [-- --only local,redis]`: every suite measures aiofs, the raw
 * client and the peer libraries doing the same work, in this one process and run. Tables on
 * stdout; the JSON and its chart in bench/results (`npm run bench:report` publishes them).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt === -1 ? undefined : args[onlyAt + 1]?.split(',');
  if (!(globalThis as { gc?: unknown }).gc)
    console.warn('(run with --expose-gc for steadier memory figures)');
  const started = performance.now();
  const bench = new Bench({ quick, repetitions: quick ? 3 : 30, warmup: quick ? 1 : 3 });
  Object.assign(bench.versions, packageVersions());
  console.log('machine:', JSON.stringify(machine()));
  for (const [name, suite] of Object.entries(suites)) {
    if (only && !only.includes(name)) continue;
    console.log(`\n## ${name}`);
    const skipped = await suite(bench);
    if (typeof skipped === 'string') bench.skip(`${name} suite: ${skipped}`);
  }
  const data = bench.data();
  console.log(`\n${header(data)}\n\n${targetTable(data)}`);
  for (const backend of new Set(data.results.map((r) => r.backend)))
    console.log(`\n### ${backend}\n\n${matrixTable(data, backend)}`);
  const dir = nodePath.join(__dirname, 'results');
  const file = bench.save(dir);
  const svg = chartSvg(data);
  writeFileSync(file.replace(/\.json$/, '.svg'), svg);
  writeFileSync(nodePath.join(dir, 'latest.svg'), svg);
  console.log(
    `\nsaved ${file} and its chart (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

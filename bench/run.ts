import * as nodePath from 'node:path';
import { Bench, machine } from './harness';
import { suites } from './suites';

/**
 * `npm run bench [-- --quick] [-- --only local,redis]`: every suite measures aiofs against the
 * raw client doing the same work, in this one process and run; a table on stdout, JSON in bench/results.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt === -1 ? undefined : args[onlyAt + 1]?.split(',');
  if (!(globalThis as { gc?: unknown }).gc)
    console.warn('(run with --expose-gc for steadier memory figures)');
  const bench = new Bench({ quick, repetitions: quick ? 5 : 30, warmup: quick ? 1 : 5 });
  console.log('machine:', JSON.stringify(machine()));
  for (const [name, suite] of Object.entries(suites)) {
    if (only && !only.includes(name)) continue;
    console.log(`\n## ${name}`);
    const skipped = await suite(bench);
    if (typeof skipped === 'string') console.log(`  skipped: ${skipped}`);
  }
  console.log(`\n${bench.table()}\n`);
  console.log(`saved ${bench.save(nodePath.join(__dirname, 'results'))}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

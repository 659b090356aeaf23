import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as nodePath from 'node:path';
import * as prettier from 'prettier';
import stopServers from '../../servers/global-teardown';
import type { Row } from '../report/record';
import { renderReport, type Results } from '../report/render';
import { SCALE } from '../scale';

const ROOT = nodePath.resolve(__dirname, '../../..');
/**
 * The full run regenerates the committed docs/reliability.{json,md}; the bounded CI run writes
 * its own copy under .aiofs-test/ (ignored by git), so that CI never leaves the docs changed.
 */
const OUT = SCALE === 'full' ? nodePath.join(ROOT, 'docs') : nodePath.join(ROOT, '.aiofs-test');

/** Stops the servers, then merges this run's figures into docs/reliability.{json,md}. */
export default async function globalTeardown(): Promise<void> {
  await stopServers();
  const build = process.env.AIOFS_RELIABILITY_BUILD;
  if (build) rmSync(build, { recursive: true, force: true });
  const dir = process.env.AIOFS_RELIABILITY_RESULTS;
  if (!dir) return;
  const rows = readdirSync(dir).map(
    (f) => JSON.parse(readFileSync(nodePath.join(dir, f), 'utf8')) as Row,
  );
  rmSync(dir, { recursive: true, force: true });
  if (rows.length === 0 || process.env.AIOFS_RELIABILITY_REPORT === '0') return;
  await writeReport(rows);
}

async function writeReport(rows: Row[]): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const jsonPath = nodePath.join(OUT, 'reliability.json');
  const results: Results = existsSync(jsonPath)
    ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as Results)
    : {};
  const key = (r: Row) => `${r.scenario}/${r.backend}`;
  const fresh = new Set(rows.map(key));
  const kept = (results[SCALE]?.rows ?? []).filter((r) => !fresh.has(key(r)));
  const cpu = cpus();
  results[SCALE] = {
    machine: `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, Node ${process.versions.node}`,
    rows: [...kept, ...rows],
  };
  const config = (await prettier.resolveConfig(nodePath.join(ROOT, 'docs/x.md'))) ?? {};
  writeFileSync(
    jsonPath,
    await prettier.format(JSON.stringify(results), { ...config, filepath: jsonPath }),
  );
  const mdPath = nodePath.join(OUT, 'reliability.md');
  const handWritten = existsSync(mdPath) ? handWrittenPart(readFileSync(mdPath, 'utf8')) : '';
  writeFileSync(
    mdPath,
    await prettier.format(renderReport(results) + handWritten, { ...config, filepath: mdPath }),
  );
  console.log(`\nreliability figures (${SCALE}): ${mdPath}`);
}

/** The sections written by hand at the end of the page (from `## Hostile` on), kept as they are. */
function handWrittenPart(page: string): string {
  const at = page.search(/^## Hostile\b/m);
  return at === -1 ? '' : `\n${page.slice(at)}`;
}

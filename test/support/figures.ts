import { appendFileSync, mkdirSync } from 'node:fs';
import * as nodePath from 'node:path';

const FILE = nodePath.join(__dirname, '..', '..', '.aiofs-test', 'figures.log');

/**
 * Records a figure a test measured (calls raced, secrets scanned, blocks left) in
 * `.aiofs-test/figures.log`, so that a green run stays quiet; `AIOFS_TEST_VERBOSE=1` prints it too.
 */
export function recordFigure(text: string): void {
  mkdirSync(nodePath.dirname(FILE), { recursive: true });
  const where = nodePath.relative(process.cwd(), expect.getState().testPath ?? '');
  appendFileSync(FILE, `${new Date().toISOString()} ${where}\n${text}\n`);
  if (process.env.AIOFS_TEST_VERBOSE === '1') console.log(text);
}

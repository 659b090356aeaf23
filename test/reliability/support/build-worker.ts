import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { promisify } from 'node:util';

const ROOT = nodePath.resolve(__dirname, '../../..');

/**
 * Compiles the worker (and the library it imports) once per run into a folder under `.aiofs-test/`
 * (inside the repository, so that node_modules resolves): a compiled worker starts in a third of a
 * second where ts-node takes two, and the crash scenario starts hundreds of them.
 * Returns the folder and the compiled worker's path.
 */
export async function buildWorker(): Promise<{ dir: string; worker: string }> {
  const parent = nodePath.join(ROOT, '.aiofs-test');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(nodePath.join(parent, 'reliability-'));
  const tsconfig = nodePath.join(dir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: nodePath.join(ROOT, 'tsconfig.json'),
      compilerOptions: {
        outDir: nodePath.join(dir, 'out'),
        rootDir: ROOT,
        declaration: false,
        sourceMap: false,
        types: ['node'],
      },
      include: [],
      files: [nodePath.join(ROOT, 'test/reliability/support/worker.ts')],
    }),
  );
  const tsc = require.resolve('typescript/bin/tsc');
  const worker = nodePath.join(dir, 'out/test/reliability/support/worker.js');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', tsconfig]);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`compiling the reliability worker failed:\n${stdout}${stderr}`);
  }
  if (!existsSync(worker)) throw new Error(`the compiled reliability worker is missing: ${worker}`);
  return { dir, worker };
}

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';

/** What swapped `folder` and `link` back and forth, and how many times. */
export interface SwapResult {
  swapper: 'renameat2' | 'node-renames';
  swaps: number;
}

/**
 * The same loop in Node with plain renames, for machines without gcc: `folder` moves aside, the
 * link takes its name, then both go back. `folder` is missing or a symlink for part of each turn.
 */
const NODE_SWAPPER = `
const fs = require('node:fs');
const [folder, link, seconds] = process.argv.slice(1);
const aside = folder + '.aside';
let intruders = 0;
// While the folder is aside, a writer may make a new one at its name: that one is moved away.
function onto(from, to) {
  for (;;) {
    try {
      return fs.renameSync(from, to);
    } catch (error) {
      if (!['EISDIR', 'ENOTEMPTY', 'EEXIST', 'ENOTDIR'].includes(error.code)) throw error;
      try {
        fs.renameSync(to, folder + '.intruder-' + intruders++);
      } catch (gone) {
        if (gone.code !== 'ENOENT') throw gone; // the writer removed it again meanwhile
      }
    }
  }
}
const end = Date.now() + Number(seconds) * 1000;
let swaps = 0;
while (Date.now() < end) {
  fs.renameSync(folder, aside);
  onto(link, folder);
  fs.renameSync(folder, link);
  onto(aside, folder);
  swaps += 2;
}
process.stdout.write(swaps + '\\n');
`;

let built: string | undefined | null;

/** The C swapper compiled with gcc, or undefined when gcc is missing (or cannot build it). */
function compiled(): string | undefined {
  if (built !== undefined) return built ?? undefined;
  const out = nodePath.join(mkdtempSync(nodePath.join(tmpdir(), 'aiofs-swapper-')), 'swapper');
  const gcc = spawnSync('gcc', ['-O2', '-o', out, nodePath.join(__dirname, 'swapper.c')], {
    encoding: 'utf8',
  });
  built = gcc.status === 0 ? out : null;
  return built ?? undefined;
}

/**
 * Runs a swapper in its own process for `seconds`: exchanges `folder` (a real folder) with `link`
 * (a symlink) as fast as it can. `AIOFS_SWAPPER=node` forces the Node one.
 */
export function swap(folder: string, link: string, seconds: number): Promise<SwapResult> {
  const binary = process.env.AIOFS_SWAPPER === 'node' ? undefined : compiled();
  const child = binary
    ? spawn(binary, [folder, link, String(seconds)])
    : spawn(process.execPath, ['-e', NODE_SWAPPER, folder, link, String(seconds)]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the swapper failed (${code}): ${stderr}`));
      else
        resolve({
          swapper: binary ? 'renameat2' : 'node-renames',
          swaps: Number(stdout.trim()),
        });
    });
  });
}

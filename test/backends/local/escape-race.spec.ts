import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { createFileSystem, FileSystemError, type FileLikeSystem } from '../../../lib';
import { swap, type SwapResult } from './support/swapper';
import { recordFigure } from '../../support/figures';

/*
 * A process that can write inside the root exchanges a folder of the root with a symlink to a
 * folder outside it, as fast as it can, while every call of the file system runs on paths through
 * that folder. Whatever the timing, no call may read, write, create or remove anything outside.
 */

const RACE_SECONDS = 5;
const INSIDE = Buffer.from('inside-data');
const OUTSIDE = Buffer.from('OUTSIDE-SECRET-BYTES');
/** Names the calls use, present on both sides so that a call through the link finds one. */
const FILES = ['f.txt', 'g.txt', 'h.txt', 'm.txt', 'sub/f.txt', 'sub/g.txt'];

let base: string;
let root: string;
let outside: string;
let fs: FileLikeSystem;

beforeEach(async () => {
  base = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-escape-'));
  root = nodePath.join(base, 'root');
  outside = nodePath.join(base, 'outside');
  fs = await createFileSystem({ backend: 'local', root, lockTtlMs: 5000 });
  for (const file of FILES) {
    for (const [dir, data] of [
      [nodePath.join(root, 'a'), INSIDE],
      [outside, OUTSIDE],
    ] as const) {
      mkdirSync(nodePath.dirname(nodePath.join(dir, file)), { recursive: true });
      writeFileSync(nodePath.join(dir, file), data);
    }
  }
  writeFileSync(nodePath.join(outside, 'only-outside.txt'), OUTSIDE);
  writeFileSync(nodePath.join(root, 'top.txt'), INSIDE);
});

afterEach(async () => {
  await fs.close();
  rmSync(base, { recursive: true, force: true });
});

/** Every entry under `dir` (folders too) with what identifies its state: size, mtime, content. */
function snapshot(dir: string): Map<string, string> {
  const state = new Map<string, string>();
  const walk = (d: string) => {
    state.set(nodePath.relative(dir, d) || '.', `dir ${lstatSync(d).mtimeMs}`);
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = nodePath.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const stat = lstatSync(full);
        const hash = entry.isFile()
          ? createHash('sha256').update(readFileSync(full)).digest('hex')
          : 'not a file';
        state.set(nodePath.relative(dir, full), `${stat.size} ${stat.mtimeMs} ${hash}`);
      }
    }
  };
  walk(dir);
  return state;
}

function differences(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [path, state] of after)
    if (before.get(path) !== state) changed.push(`${path}: ${before.get(path)} -> ${state}`);
  for (const path of before.keys()) if (!after.has(path)) changed.push(`${path}: removed`);
  return changed;
}

interface Tally {
  attempts: number;
  succeeded: number;
  /** Results that carried bytes, sizes or names that only exist outside the root. */
  outsideReads: number;
  unexpected: string[];
}

const isOutside = (data: Buffer) => data.includes(Buffer.from('OUTSIDE'));

/** Every call of the file system on paths through `a`, each returning whether it saw outside data. */
function calls(fs: FileLikeSystem): Record<string, (i: number) => Promise<boolean>> {
  return {
    readFile: async () => isOutside(await fs.readFile('a/f.txt')),
    'readFile deeper': async () => isOutside(await fs.readFile('a/sub/f.txt')),
    'readFile range': async () =>
      isOutside(await fs.readFile('a/sub/g.txt', { start: 0, end: 12 })),
    'open r': async () => {
      const f = await fs.open('a/f.txt');
      try {
        return isOutside(await f.read());
      } finally {
        await f.close();
      }
    },
    openReadStream: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of await fs.openReadStream('a/sub/f.txt')) chunks.push(chunk);
      return isOutside(Buffer.concat(chunks));
    },
    stat: async () => (await fs.stat('a/f.txt')).size === OUTSIDE.length,
    exists: async () => (await fs.exists('a/only-outside.txt')) === true,
    'open r+': async () => {
      const f = await fs.open('a/g.txt', 'r+');
      const seen = await f.read();
      await f.seek(0);
      await f.write('r');
      await f.close();
      return isOutside(seen);
    },
    'open a': async () => {
      const f = await fs.open('a/h.txt', 'a+');
      await f.write('+');
      await f.seek(0);
      const seen = await f.read();
      await f.close();
      return isOutside(seen);
    },
    'open w': async (i) => {
      const f = await fs.open(`a/sub/w${i % 3}.txt`, 'w');
      await f.write('w');
      await f.close();
      return false;
    },
    'open x': async (i) => {
      const f = await fs.open(`a/x${i}.txt`, 'x');
      await f.write('x');
      await f.close();
      await fs.rm(`a/x${i}.txt`);
      return false;
    },
    openWriteStream: async () => {
      const stream = await fs.openWriteStream('a/sub/stream.txt', { mode: 'a' });
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.end('s', resolve);
      });
      return false;
    },
    writeFile: async (i) => {
      await fs.writeFile(`a/sub/wf${i % 3}.txt`, 'written');
      return false;
    },
    'writeFile exclusive': async (i) => {
      await fs.writeFile(`a/new/e${i}.txt`, 'new', { exclusive: true });
      await fs.rm(`a/new/e${i}.txt`);
      return false;
    },
    'cp out of a': async () => {
      await fs.cp('a/f.txt', 'copied.txt');
      return isOutside(await fs.readFile('copied.txt'));
    },
    'cp into a': async () => {
      await fs.cp('top.txt', 'a/sub/in.txt');
      return false;
    },
    'mv within a': async (i) => {
      if (i % 2 === 0) await fs.mv('a/m.txt', 'a/sub/m.txt');
      else await fs.mv('a/sub/m.txt', 'a/m.txt');
      return false;
    },
    'mv in and out': async () => {
      await fs.writeFile('mv-src.txt', 'moving');
      await fs.mv('mv-src.txt', 'a/moved.txt');
      await fs.mv('a/moved.txt', 'mv-back.txt');
      return false;
    },
    rm: async () => {
      await fs.rm('a/sub/wf0.txt');
      return false;
    },
    ls: async () => (await fs.ls('a/*')).some((p) => p.includes('only-outside')),
    scan: async () => {
      for await (const p of fs.scan('a/sub/*')) if (p.includes('only-outside')) return true;
      return false;
    },
  };
}

/** Runs every call in a loop while the swapper runs; what each saw. */
async function race(
  fs: FileLikeSystem,
  swapping: Promise<SwapResult>,
): Promise<{ tallies: Record<string, Tally>; swap: SwapResult }> {
  let running = true;
  const done = swapping.finally(() => (running = false));
  const tallies: Record<string, Tally> = {};
  const loops = Object.entries(calls(fs)).map(async ([name, call]) => {
    const tally: Tally = (tallies[name] = {
      attempts: 0,
      succeeded: 0,
      outsideReads: 0,
      unexpected: [],
    });
    for (let i = 0; running; i++) {
      tally.attempts++;
      try {
        if (await call(i)) tally.outsideReads++;
        tally.succeeded++;
      } catch (error) {
        // Missing files, refused paths and held locks are what the race is allowed to cause.
        if (!(error instanceof FileSystemError)) tally.unexpected.push(String(error));
      }
    }
  });
  const result = await done;
  await Promise.all(loops);
  return { tallies, swap: result };
}

/** What escaped: calls that saw outside data, and entries outside that changed or appeared. */
function escapes(tallies: Record<string, Tally>, changed: string[]) {
  return {
    outsideReads: Object.entries(tallies)
      .filter(([, t]) => t.outsideReads > 0)
      .map(([name, t]) => `${name}: ${t.outsideReads}`),
    outsideWrites: changed.filter((c) => !c.includes('.aiofs')),
    outsideTempOrLockEntries: changed.filter((c) => c.includes('.aiofs')).length,
    unexpectedErrors: Object.values(tallies).flatMap((t) => t.unexpected),
  };
}

const NONE = {
  outsideReads: [],
  outsideWrites: [],
  outsideTempOrLockEntries: 0,
  unexpectedErrors: [],
};

function report(label: string, tallies: Record<string, Tally>, swapped: SwapResult): void {
  const rows = Object.entries(tallies).map(
    ([name, t]) => `${name}: ${t.attempts} tried, ${t.succeeded} ok, ${t.outsideReads} outside`,
  );
  const tried = Object.values(tallies).reduce((n, t) => n + t.attempts, 0);
  recordFigure(
    `${label} (${swapped.swapper}, ${swapped.swaps} swaps, ${tried} calls)\n${rows.join('\n')}`,
  );
}

describe('a folder swapped for a symlink while calls are in flight', () => {
  test(
    'no call reads, writes, creates or removes anything outside the root',
    async () => {
      symlinkSync(outside, nodePath.join(root, 'a-link'));
      const before = snapshot(outside);
      const { tallies, swap: swapped } = await race(
        fs,
        swap(nodePath.join(root, 'a'), nodePath.join(root, 'a-link'), RACE_SECONDS),
      );
      report('folder a swapped', tallies, swapped);
      const after = snapshot(outside);

      expect(lstatSync(nodePath.join(root, 'a')).isDirectory()).toBe(true);
      expect(swapped.swaps).toBeGreaterThan(100);
      expect(escapes(tallies, differences(before, after))).toEqual(NONE);
      // The race reached every call: each ran, and the calls that can succeed did.
      for (const [name, t] of Object.entries(tallies)) {
        expect({ name, ran: t.attempts > 0 }).toEqual({ name, ran: true });
      }
      expect(Object.values(tallies).reduce((n, t) => n + t.succeeded, 0)).toBeGreaterThan(100);
    },
    (RACE_SECONDS + 40) * 1000,
  );

  test(
    'a folder deeper down swapped: the same, for every folder on the way',
    async () => {
      symlinkSync(nodePath.join(outside, 'sub'), nodePath.join(root, 'a', 'sub-link'));
      const before = snapshot(outside);
      const { tallies, swap: swapped } = await race(
        fs,
        swap(nodePath.join(root, 'a', 'sub'), nodePath.join(root, 'a', 'sub-link'), RACE_SECONDS),
      );
      report('folder a/sub swapped', tallies, swapped);
      expect(swapped.swaps).toBeGreaterThan(100);
      expect(escapes(tallies, differences(before, snapshot(outside)))).toEqual(NONE);
    },
    (RACE_SECONDS + 40) * 1000,
  );
});

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { createFileSystem, type FileLikeSystem } from '../../../lib';

/*
 * A file with a 256 MiB hole and one byte after it uses a few KiB of disk. Every call that
 * copies a file (r+, a, cp) must keep the hole a hole: the copy's st_blocks stays as small,
 * where filling the hole would take 256 MiB.
 */

const HOLE = 256 * 1024 * 1024;
/** What a copy that kept the holes may use on disk (filling them takes 256 MiB). */
const SMALL = 1024 * 1024;

let base: string;
let root: string;
let fs: FileLikeSystem;

beforeEach(async () => {
  base = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-sparse-'));
  root = nodePath.join(base, 'root');
  fs = await createFileSystem({ backend: 'local', root });
  const f = await fs.open('holey.bin', 'w');
  await f.seek(HOLE);
  await f.write('z');
  await f.close();
});

afterEach(async () => {
  await fs.close();
  rmSync(base, { recursive: true, force: true });
});

function onDisk(path: string): { size: number; bytes: number } {
  const stat = statSync(nodePath.join(root, path));
  return { size: stat.size, bytes: stat.blocks * 512 };
}

async function bytesAt(path: string, ...positions: number[]): Promise<string> {
  const parts = await Promise.all(
    positions.map((p) => fs.readFile(path, { start: p, end: p + 1 })),
  );
  return parts.map((b) => b.toString('latin1')).join('');
}

test('a file written past its end with seek is sparse', () => {
  const { size, bytes } = onDisk('holey.bin');
  expect(size).toBe(HOLE + 1);
  expect(bytes).toBeLessThan(SMALL);
});

test('r+ keeps the hole', async () => {
  const f = await fs.open('holey.bin', 'r+');
  await f.write('a');
  await f.close();
  expect(onDisk('holey.bin').size).toBe(HOLE + 1);
  expect(onDisk('holey.bin').bytes).toBeLessThan(SMALL);
  expect(await bytesAt('holey.bin', 0, 1, HOLE - 1, HOLE)).toBe('a\0\0z');
});

test.each(['a', 'a+'] as const)('%s keeps the hole', async (mode) => {
  const f = await fs.open('holey.bin', mode);
  await f.write('!');
  await f.close();
  expect(onDisk('holey.bin').size).toBe(HOLE + 2);
  expect(onDisk('holey.bin').bytes).toBeLessThan(SMALL);
  expect(await bytesAt('holey.bin', 0, HOLE, HOLE + 1)).toBe('\0z!');
});

test("openWriteStream({ mode: 'a' }) keeps the hole", async () => {
  const stream = await fs.openWriteStream('holey.bin', { mode: 'a' });
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.end('!', resolve);
  });
  expect(onDisk('holey.bin').bytes).toBeLessThan(SMALL);
  expect(await bytesAt('holey.bin', HOLE, HOLE + 1)).toBe('z!');
});

test('cp keeps the hole, and mv moves the file as it is', async () => {
  await fs.cp('holey.bin', 'd/copy.bin');
  expect(onDisk('d/copy.bin')).toEqual({ size: HOLE + 1, bytes: expect.any(Number) });
  expect(onDisk('d/copy.bin').bytes).toBeLessThan(SMALL);
  expect(await bytesAt('d/copy.bin', 0, HOLE)).toBe('\0z');
  await fs.mv('d/copy.bin', 'e/moved.bin');
  expect(onDisk('e/moved.bin').bytes).toBeLessThan(SMALL);
});

test('data on both sides of a hole, and pages of zeros among data, are copied right', async () => {
  const head = Buffer.alloc(3 * 4096 + 17, 0);
  head.write('head', 0);
  head.write('mid', 2 * 4096 + 5); // one page of zeros between two pages of data
  const w = await fs.open('mixed.bin', 'w');
  await w.write(head);
  await w.seek(64 * 1024 * 1024);
  await w.write('tail');
  await w.close();
  await fs.cp('mixed.bin', 'mixed-copy.bin');
  const [original, copy] = await Promise.all([
    fs.readFile('mixed.bin'),
    fs.readFile('mixed-copy.bin'),
  ]);
  expect(copy.equals(original)).toBe(true);
  expect(onDisk('mixed-copy.bin').bytes).toBeLessThan(SMALL);
});

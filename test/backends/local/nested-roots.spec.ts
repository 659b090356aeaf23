import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { BlockingIOError, createFileSystem, type FileLikeSystem } from '../../../lib';
import { caught } from '../../conformance/expect-error';
import { ChildFs } from '../../support/child-fs';

/*
 * Two file systems whose roots nest (R, and R/sub in another process) name one file twice:
 * R's 'sub/f.txt' is R/sub's 'f.txt'. They must share its lock. So must a root that reaches
 * R/sub through a symlink.
 */

const RACE_MS = 3000;

let base: string;
let outer: FileLikeSystem;
let inner: ChildFs;

beforeEach(async () => {
  base = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-nested-'));
  outer = await createFileSystem({ backend: 'local', root: nodePath.join(base, 'R') });
  await outer.writeFile('sub/f.txt', '');
  inner = await ChildFs.start({ backend: 'local', root: nodePath.join(base, 'R', 'sub') });
});

afterEach(async () => {
  await inner.exit();
  await outer.close();
  rmSync(base, { recursive: true, force: true });
});

const remoteName = (error: unknown) =>
  (error as { remote?: { name: string } }).remote?.name ?? String(error);

test('a writer through the outer root blocks one through the inner root, and back', async () => {
  const w = await outer.open('sub/f.txt', 'w');
  expect(remoteName(await caught(inner.open('f.txt', 'w')))).toBe('BlockingIOError');
  expect(remoteName(await caught(inner.call({ op: 'writeFile', path: 'f.txt', data: '' })))).toBe(
    'BlockingIOError',
  );
  await w.write('outer');
  await w.close();

  await inner.open('f.txt', 'w');
  expect(await caught(outer.open('sub/f.txt', 'w'))).toBeInstanceOf(BlockingIOError);
  expect(await caught(outer.writeFile('sub/f.txt', 'x'))).toBeInstanceOf(BlockingIOError);
  expect(await caught(outer.rm('sub/f.txt'))).toBeInstanceOf(BlockingIOError);
  await inner.write('inner');
  await inner.close();
  expect((await outer.readFile('sub/f.txt')).toString()).toBe('inner');
});

test('appends through both roots at once lose nothing', async () => {
  const deadline = Date.now() + RACE_MS;
  let outerOk = 0;
  let innerOk = 0;
  await Promise.all([
    (async () => {
      while (Date.now() < deadline) {
        const f = await outer.open('sub/f.txt', 'a', { lockTimeoutMs: 5000 });
        await f.write('o');
        await f.close();
        outerOk++;
      }
    })(),
    (async () => {
      while (Date.now() < deadline) {
        await inner.open('f.txt', 'a', 5000);
        await inner.write('i');
        await inner.close();
        innerOk++;
      }
    })(),
  ]);
  const final = (await outer.readFile('sub/f.txt')).toString();
  expect({ o: final.split('o').length - 1, i: final.split('i').length - 1 }).toEqual({
    o: outerOk,
    i: innerOk,
  });
  expect(outerOk).toBeGreaterThan(0);
  expect(innerOk).toBeGreaterThan(0);
});

test('a root that reaches the same folder through a symlink shares the lock too', async () => {
  symlinkSync(nodePath.join(base, 'R', 'sub'), nodePath.join(base, 'alias'));
  const alias = await createFileSystem({ backend: 'local', root: nodePath.join(base, 'alias') });
  try {
    const w = await alias.open('f.txt', 'w');
    expect(remoteName(await caught(inner.open('f.txt', 'w')))).toBe('BlockingIOError');
    expect(await caught(outer.open('sub/f.txt', 'w'))).toBeInstanceOf(BlockingIOError);
    await w.abort();
  } finally {
    await alias.close();
  }
});

import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  lstatSync,
  statSync,
  symlinkSync,
  lutimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { BlockingIOError, createFileSystem, type FileLikeSystem } from '../../../lib';
import { LocalDriver } from '../../../lib/backends/local/local-driver';
import { LocalLocks } from '../../../lib/backends/local/local-lock';
import { LocalPaths } from '../../../lib/backends/local/local-paths';
import { caught } from '../../conformance/expect-error';

let base: string;
let root: string;
let fs: FileLikeSystem;
/** Another file system on the same root: what another process would do, in this one. */
let other: FileLikeSystem;

beforeEach(async () => {
  base = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-lock-'));
  root = nodePath.join(base, 'root');
  fs = await createFileSystem({ backend: 'local', root });
  other = await createFileSystem({ backend: 'local', root });
});

afterEach(async () => {
  await Promise.all([fs.close(), other.close()]);
  rmSync(base, { recursive: true, force: true });
});

/** A path's lock entry: a folder beside its file, named after a hash of the file's name. */
function lockEntry(path: string): string {
  const name = createHash('sha256').update(nodePath.basename(path)).digest('hex');
  return nodePath.join(root, nodePath.dirname(path), `.aiofs-lock-${name}`);
}

function ownerOf(path: string): string {
  const entry = lockEntry(path);
  const owners = readdirSync(entry).filter((n) => n.startsWith('owner-'));
  expect(owners).toHaveLength(1);
  return nodePath.join(entry, owners[0]);
}

/** Sets the time of `file` to `ms` ago: what a holder that stopped renewing leaves. */
function age(file: string, ms: number): void {
  const then = (Date.now() - ms) / 1000;
  lutimesSync(file, then, then);
}

/** What a crashed holder leaves: its entry and owner (last renewed `ms` ago) and its temp file. */
function crashedHolder(path: string, ttlMs: number, ms: number): { token: string; temp: string } {
  const token = 'c0ffee'.padEnd(32, '0');
  const owner = nodePath.join(lockEntry(path), `owner-${token}-${ttlMs}`);
  mkdirSync(lockEntry(path), { recursive: true });
  symlinkSync('aiofs-owner', owner);
  const temp = nodePath.join(root, nodePath.dirname(path), `.aiofs-tmp-${token}`);
  writeFileSync(temp, 'half-written');
  age(owner, ms);
  return { token, temp };
}

describe('lock entries', () => {
  test('an entry is a folder beside the file holding the symlink owner-<token>-<ttl>, gone once released', async () => {
    const w = await fs.open('d/f.txt', 'w');
    expect(statSync(lockEntry('d/f.txt')).isDirectory()).toBe(true);
    expect(nodePath.basename(ownerOf('d/f.txt'))).toMatch(/^owner-[0-9a-f]{32}-30000$/);
    expect(lstatSync(ownerOf('d/f.txt')).isSymbolicLink()).toBe(true);
    await w.close();
    expect(existsSync(lockEntry('d/f.txt'))).toBe(false);
    expect(readdirSync(nodePath.join(root, 'd'))).toEqual(['f.txt']);
  });

  test('a crashed holder’s entry is taken over after its TTL; its temp file and moved-in files go with it', async () => {
    await fs.writeFile('f.txt', 'old');
    const { temp } = crashedHolder('f.txt', 1000, 800);
    writeFileSync(nodePath.join(lockEntry('f.txt'), 'going'), 'what it was removing');
    expect(await caught(fs.open('f.txt', 'w'))).toBeInstanceOf(BlockingIOError); // within TTL + grace
    age(ownerOf('f.txt'), 1600);
    const next = await fs.open('f.txt', 'r+');
    expect(existsSync(temp)).toBe(false);
    await next.write('N');
    await next.close();
    expect((await fs.readFile('f.txt')).toString()).toBe('Nld');
    expect(readdirSync(root)).toEqual(['f.txt']);
  });

  test('a foreign file where the entry should be counts as held for 30 s, then is broken', async () => {
    const entry = lockEntry('g.txt');
    writeFileSync(entry, '');
    expect(await caught(fs.open('g.txt', 'w'))).toBeInstanceOf(BlockingIOError);
    age(entry, 5000);
    expect(await caught(fs.writeFile('g.txt', 'x'))).toBeInstanceOf(BlockingIOError);
    age(entry, 31_000);
    await (await fs.open('g.txt', 'w')).close();
    expect(await fs.ls()).toEqual(['g.txt']);
  });

  test('an empty entry (a release cut short) is taken at once; a foreign folder with files in it is held for 30 s', async () => {
    mkdirSync(lockEntry('e.txt'));
    await fs.writeFile('e.txt', 'taken');
    const foreign = lockEntry('f.txt');
    mkdirSync(foreign);
    writeFileSync(nodePath.join(foreign, 'something'), '');
    expect(await caught(fs.writeFile('f.txt', 'x'))).toBeInstanceOf(BlockingIOError);
    age(foreign, 31_000);
    await fs.writeFile('f.txt', 'broken in');
    expect(await fs.ls()).toEqual(['e.txt', 'f.txt']);
    expect(readdirSync(root).filter((n) => n.startsWith('.aiofs'))).toEqual([]);
  });

  test("renewals move the owner's time, so a long writer keeps its path", async () => {
    const short = await createFileSystem({ backend: 'local', root, lockTtlMs: 600 });
    const w = await short.open('f.txt', 'w');
    await w.write('long');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(Date.now() - lstatSync(ownerOf('f.txt')).mtimeMs).toBeLessThan(600);
    expect(await caught(fs.writeFile('f.txt', 'other'))).toBeInstanceOf(BlockingIOError);
    await w.close();
    expect((await fs.readFile('f.txt')).toString()).toBe('long');
    await short.close();
  });

  test('a fresh entry is never broken', async () => {
    const w = await fs.open('f.txt', 'w');
    for (let i = 0; i < 5; i++)
      expect(await caught(other.open('f.txt', 'w'))).toBeInstanceOf(BlockingIOError);
    await w.close();
  });
});

describe('a holder whose lease ran out while a call of its was waiting', () => {
  // The holder's own clock still says its lease holds (it is long), but its owner's time on disk
  // is made old: what the other processes see when the holder stalled past its TTL. The next
  // writer breaks the entry and commits; then the first holder's call lands.

  test("a commit landing after the next holder's is fenced out: BlockingIOError, the next holder's data stays", async () => {
    await fs.writeFile('f.txt', 'before');
    const late = await fs.open('f.txt', 'w');
    await late.write('late');
    age(ownerOf('f.txt'), 31_000);
    await other.writeFile('f.txt', 'next');
    const error = await caught(late.close());
    expect(error).toBeInstanceOf(BlockingIOError);
    expect(error.message).toMatch(/lost/);
    expect((await fs.readFile('f.txt')).toString()).toBe('next');
    expect(readdirSync(root)).toEqual(['f.txt']);
  });

  test("a removal landing after the next holder's commit is fenced out", async () => {
    const paths = await LocalPaths.open(root);
    const driver = new LocalDriver(paths, true, 30_000);
    await fs.writeFile('f.txt', 'before');
    const lock = (await driver.lock('f.txt', 30_000))!;
    age(ownerOf('f.txt'), 31_000);
    await other.writeFile('f.txt', 'next');
    expect(await caught(driver.deleteLocked('f.txt', lock))).toBeInstanceOf(BlockingIOError);
    await lock.release();
    expect((await fs.readFile('f.txt')).toString()).toBe('next');
    await driver.close();
  });

  test("a move whose source lock was broken leaves the next holder's source, never loses it", async () => {
    const paths = await LocalPaths.open(root);
    const driver = new LocalDriver(paths, true, 30_000);
    await fs.writeFile('from.txt', 'before');
    const from = (await driver.lock('from.txt', 30_000))!;
    const to = (await driver.lock('to.txt', 30_000))!;
    age(ownerOf('from.txt'), 31_000);
    await other.writeFile('from.txt', 'next');
    expect(await caught(driver.moveLocked('from.txt', 'to.txt', { from, to }))).toBeInstanceOf(
      BlockingIOError,
    );
    await Promise.all([from.release(), to.release()]);
    expect((await fs.readFile('from.txt')).toString()).toBe('next');
    await driver.close();
  });

  test("a move whose target lock was broken changes nothing, and the next holder's target stays", async () => {
    const paths = await LocalPaths.open(root);
    const driver = new LocalDriver(paths, true, 30_000);
    await fs.writeFile('from.txt', 'moving');
    const from = (await driver.lock('from.txt', 30_000))!;
    const to = (await driver.lock('to.txt', 30_000))!;
    age(ownerOf('to.txt'), 31_000);
    await other.writeFile('to.txt', 'next');
    expect(await caught(driver.moveLocked('from.txt', 'to.txt', { from, to }))).toBeInstanceOf(
      BlockingIOError,
    );
    await Promise.all([from.release(), to.release()]);
    expect((await fs.readFile('to.txt')).toString()).toBe('next');
    expect((await fs.readFile('from.txt')).toString()).toBe('moving');
    await driver.close();
  });

  test("a release landing after the next holder took the lock leaves the next holder's entry", async () => {
    const paths = await LocalPaths.open(root);
    const locks = new LocalLocks(paths);
    const late = (await locks.acquire('f.txt', 30_000))!;
    age(ownerOf('f.txt'), 31_000);
    const next = (await locks.acquire('f.txt', 30_000))!;
    expect(next).toBeDefined();
    await late.release(); // its lease is young by its own clock: the case a plain unlink got wrong
    expect(await caught(fs.writeFile('f.txt', 'third'))).toBeInstanceOf(BlockingIOError);
    expect(await next.held()).toBe(true);
    await next.release();
    await fs.writeFile('f.txt', 'third');
    expect(readFileSync(nodePath.join(root, 'f.txt'), 'utf8')).toBe('third');
    await paths.close();
  });
});

test('8 takers in a loop for 3 s: never two holders at once', async () => {
  const opened = await Promise.all(Array.from({ length: 8 }, () => LocalPaths.open(root)));
  const takers = opened.map((paths) => new LocalLocks(paths));
  const deadline = Date.now() + 3000;
  let holding = 0;
  let overlaps = 0;
  let taken = 0;
  await Promise.all(
    takers.map(async (locks) => {
      while (Date.now() < deadline) {
        const lock = await locks.acquire('f.txt', 30_000);
        if (!lock) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
          continue;
        }
        if (holding++ > 0) overlaps++;
        taken++;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
        holding--;
        await lock.release();
      }
    }),
  );
  await Promise.all(opened.map((paths) => paths.close()));
  expect({ overlaps }).toEqual({ overlaps: 0 });
  expect(taken).toBeGreaterThan(20);
  expect(readdirSync(root).filter((n) => n.startsWith('.aiofs'))).toEqual([]);
});

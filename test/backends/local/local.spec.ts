import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import {
  BlockingIOError,
  createFileSystem,
  FileExistsError,
  FileNotFoundError,
  FileSystemError,
  InvalidPathError,
  type FileLikeSystem,
} from '../../../lib';
import { LocalDriver } from '../../../lib/backends/local/local-driver';
import { DriverFileSystem } from '../../../lib/core';
import { LocalPaths } from '../../../lib/backends/local/local-paths';
import { caught, freezeEventLoop } from '../../conformance/expect-error';

let base: string;
let root: string;
let outside: string;
let fs: FileLikeSystem;

beforeEach(async () => {
  base = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-local-'));
  root = nodePath.join(base, 'root');
  outside = nodePath.join(base, 'outside');
  mkdirSync(outside);
  writeFileSync(nodePath.join(outside, 'secret.txt'), 'secret');
  fs = await createFileSystem({ backend: 'local', root });
});

afterEach(async () => {
  await fs.close();
  rmSync(base, { recursive: true, force: true });
});

function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => !d.isDirectory())
    .map((d) => nodePath.relative(dir, nodePath.join(d.parentPath, d.name)))
    .sort();
}

/** A path's lock entry: beside its file, named after a hash of the file's name. */
function lockEntry(path: string): string {
  const name = createHash('sha256').update(nodePath.basename(path)).digest('hex');
  return nodePath.join(root, nodePath.dirname(path), `.aiofs-lock-${name}`);
}

/** The local backend as where /proc is missing: folders checked and used by path. */
async function byPaths(root: string): Promise<FileLikeSystem> {
  const paths = await LocalPaths.open(root, { descriptors: false });
  return new DriverFileSystem(new LocalDriver(paths, true, 30_000), { lockTtlMs: 30_000 });
}

describe('local backend', () => {
  test('the root is created when missing; a file as root is an error', async () => {
    expect(existsSync(root)).toBe(true);
    writeFileSync(nodePath.join(base, 'plain'), 'x');
    const error = await caught(
      createFileSystem({ backend: 'local', root: nodePath.join(base, 'plain') }),
    );
    expect(error).toBeInstanceOf(FileSystemError);
    expect(error.code).toBe('EEXIST');
    expect(error.message).toMatch(/not a folder/);
  });

  test('file:./relative URLs resolve against the working directory', async () => {
    const cwd = process.cwd();
    process.chdir(base);
    try {
      const rel = await createFileSystem('file:./rel-root');
      await rel.writeFile('x.txt', 'x');
      await rel.close();
    } finally {
      process.chdir(cwd);
    }
    expect(readFileSync(nodePath.join(base, 'rel-root', 'x.txt'), 'utf8')).toBe('x');
  });

  test('files are plain files under the root, with their folders', async () => {
    await fs.writeFile('a/b/c.txt', 'hello');
    expect(readFileSync(nodePath.join(root, 'a', 'b', 'c.txt'), 'utf8')).toBe('hello');
  });

  describe.each(['descriptors', 'paths'])(
    'symlinks cannot reach outside the root (by %s)',
    (mode) => {
      beforeEach(async () => {
        if (mode === 'paths') {
          await fs.close();
          fs = await byPaths(root);
        }
        symlinkSync(nodePath.join(outside, 'secret.txt'), nodePath.join(root, 'file-link'));
        symlinkSync(outside, nodePath.join(root, 'dir-link'));
        symlinkSync(nodePath.join(outside, 'missing.txt'), nodePath.join(root, 'dangling-link'));
      });

      test.each([
        ['readFile through a file link', () => fs.readFile('file-link')],
        ['stat through a file link', () => fs.stat('file-link')],
        ['exists through a file link', () => fs.exists('file-link')],
        ['open r through a file link', () => fs.open('file-link')],
        ['open r+ through a file link', () => fs.open('file-link', 'r+')],
        ['open a through a file link', () => fs.open('file-link', 'a')],
        ['openReadStream through a file link', () => fs.openReadStream('file-link')],
        ['readFile through a folder link', () => fs.readFile('dir-link/secret.txt')],
        ['writeFile through a folder link', () => fs.writeFile('dir-link/new.txt', 'x')],
        ['writeFile deeper through a folder link', () => fs.writeFile('dir-link/sub/new.txt', 'x')],
        ['open w through a folder link', () => fs.open('dir-link/new.txt', 'w')],
        ['openWriteStream through a folder link', () => fs.openWriteStream('dir-link/new.txt')],
        ['rm through a folder link', () => fs.rm('dir-link/secret.txt')],
        ['cp out through a folder link', () => fs.cp('inside.txt', 'dir-link/copied.txt')],
        ['cp in through a folder link', () => fs.cp('dir-link/secret.txt', 'stolen.txt')],
        ['mv out through a folder link', () => fs.mv('inside.txt', 'dir-link/moved.txt')],
        ['mv in through a folder link', () => fs.mv('dir-link/secret.txt', 'stolen.txt')],
        ['readFile through a dangling link outside', () => fs.readFile('dangling-link/x')],
        ['writeFile through a dangling link outside', () => fs.writeFile('dangling-link/x', 'x')],
        ['open r+ through a dangling link outside', () => fs.open('dangling-link', 'r+')],
      ])('%s is InvalidPathError and nothing outside changes', async (_name, action) => {
        writeFileSync(nodePath.join(root, 'inside.txt'), 'inside');
        const error = await caught(action);
        expect(error).toBeInstanceOf(InvalidPathError);
        expect(error.message).toMatch(/outside the root/);
        expect(tree(outside)).toEqual(['secret.txt']);
        expect(readFileSync(nodePath.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
        expect(readFileSync(nodePath.join(root, 'inside.txt'), 'utf8')).toBe('inside');
      });

      test('ls never lists through a link that leaves the root', async () => {
        await fs.writeFile('inside.txt', 'x');
        expect(await fs.ls()).toEqual(['inside.txt']);
      });
    },
  );

  test.each(['descriptors', 'paths'])(
    'a symlink to a file inside the root is a file (by %s)',
    async (mode) => {
      if (mode === 'paths') {
        await fs.close();
        fs = await byPaths(root);
      }
      await fs.writeFile('target.txt', 'inside');
      symlinkSync(nodePath.join(root, 'target.txt'), nodePath.join(root, 'alias.txt'));
      expect(await fs.ls()).toEqual(['alias.txt', 'target.txt']);
      expect((await fs.readFile('alias.txt')).toString()).toBe('inside');
    },
  );

  test('lock and temp entries are hidden while a writer is open, and gone after', async () => {
    const w = await fs.open('d/f.txt', 'w');
    await w.write('pending');
    const onDisk = tree(root);
    expect(readdirSync(lockEntry('d/f.txt'))).toEqual([expect.stringMatching(/^owner-/)]);
    expect(onDisk.some((p) => /^d\/\.aiofs-tmp-/.test(p))).toBe(true);
    expect(await fs.ls()).toEqual([]);
    await w.close();
    expect(tree(root)).toEqual(['d/f.txt']);
  });

  test.each(['descriptors', 'paths'])(
    'two paths that reach one file through a symlinked folder share its lock (by %s)',
    async (mode) => {
      if (mode === 'paths') {
        await fs.close();
        fs = await byPaths(root);
      }
      mkdirSync(nodePath.join(root, 'real'));
      symlinkSync(nodePath.join(root, 'real'), nodePath.join(root, 'alias'));
      const w = await fs.open('real/f.txt', 'w');
      expect(await caught(fs.open('alias/f.txt', 'w'))).toBeInstanceOf(BlockingIOError);
      expect(await caught(fs.writeFile('alias/f.txt', 'x'))).toBeInstanceOf(BlockingIOError);
      await w.write('real');
      await w.close();
      const v = await fs.open('alias/f.txt', 'w');
      expect(await caught(fs.open('real/f.txt', 'r+'))).toBeInstanceOf(BlockingIOError);
      await v.write('alias');
      await v.close();
      expect((await fs.readFile('real/f.txt')).toString()).toBe('alias');
      // A folder still missing is part of the key as written below the deepest existing one.
      const deep = await fs.open('alias/new/g.txt', 'w');
      expect(await caught(fs.open('real/new/g.txt', 'w'))).toBeInstanceOf(BlockingIOError);
      await deep.abort();
    },
  );

  test('a holder whose renewals stopped loses the path to the next writer and cannot commit', async () => {
    const short = await createFileSystem({ backend: 'local', root, lockTtlMs: 200 });
    await short.writeFile('f.txt', 'old');
    const stuck = await short.open('f.txt', 'w');
    await stuck.write('stuck');
    freezeEventLoop(900);
    const next = await fs.open('f.txt', 'w');
    await next.write('next');
    expect(await caught(stuck.close())).toBeInstanceOf(BlockingIOError);
    // The old holder's release left the new holder's entry in place.
    expect(await caught(fs.open('f.txt', 'w'))).toBeInstanceOf(BlockingIOError);
    await next.close();
    expect((await fs.readFile('f.txt')).toString()).toBe('next');
    await short.close();
  });

  test('a cp whose lease ran out while it copied commits nothing', async () => {
    // The files are written with the default lease: only the copy runs on the short one.
    await fs.writeFile('big.bin', Buffer.alloc(64 * 1024 * 1024, 1));
    await fs.writeFile('d/copy.bin', 'old');
    const short = await createFileSystem({ backend: 'local', root, lockTtlMs: 200 });
    // Stop this process's clock-keeping (renewals) once the copy's temp file exists.
    let frozen = false;
    const watch = setInterval(() => {
      if (
        !frozen &&
        readdirSync(nodePath.join(root, 'd')).some((n) => n.startsWith('.aiofs-tmp'))
      ) {
        frozen = true;
        freezeEventLoop(900);
      }
    }, 0);
    const error = await caught(short.cp('big.bin', 'd/copy.bin'));
    clearInterval(watch);
    expect(frozen).toBe(true);
    expect(error).toBeInstanceOf(BlockingIOError);
    expect(error.message).toMatch(/lost/);
    expect((await fs.readFile('d/copy.bin')).toString()).toBe('old');
    expect(tree(root).filter((p) => !p.startsWith('.aiofs/'))).toEqual(['big.bin', 'd/copy.bin']);
    await short.cp('big.bin', 'd/copy.bin');
    expect((await fs.stat('d/copy.bin')).size).toBe(64 * 1024 * 1024);
    await short.close();
  });

  test('mv recreates a target folder that a concurrent cleanup removed', async () => {
    await fs.writeFile('src.txt', 'moved');
    await Promise.all([
      fs.mv('src.txt', 'a/b/dst.txt'),
      ...Array.from({ length: 20 }, (_, i) =>
        fs.writeFile(`a/b/x${i}.txt`, 'x').then(() => fs.rm(`a/b/x${i}.txt`)),
      ),
    ]);
    expect(await fs.ls()).toEqual(['a/b/dst.txt']);
  });

  test.each(['descriptors', 'paths'])(
    'ls and scan never list a folder outside the root through a symlinked folder (by %s)',
    async (mode) => {
      if (mode === 'paths') {
        await fs.close();
        fs = await byPaths(root);
      }
      symlinkSync(outside, nodePath.join(root, 'dir-link'));
      mkdirSync(nodePath.join(root, 'in'));
      symlinkSync(nodePath.join(root, 'in'), nodePath.join(root, 'in-link'));
      await fs.writeFile('in/f.txt', 'x');
      for (const pattern of ['dir-link/*', 'dir-link/s*', 'dir-link/**', 'dir-link/secret.tx?'])
        expect(await fs.ls(pattern)).toEqual([]);
      // A pattern without wildcards is a path, refused like any path through that link.
      expect(await caught(fs.ls('dir-link/secret.txt'))).toBeInstanceOf(InvalidPathError);
      const scanned: string[] = [];
      for await (const path of fs.scan('dir-link/*')) scanned.push(path);
      expect(scanned).toEqual([]);
      expect(await fs.ls()).toEqual(['in/f.txt']);
      // A symlinked folder that stays inside the root can be listed from.
      expect(await fs.ls('in-link/*')).toEqual(['in-link/f.txt']);
    },
  );

  test('writeFile leaves no temp file or lock entry, whether it commits or is refused', async () => {
    await fs.writeFile('d/f.txt', 'one');
    expect(await caught(fs.writeFile('d/f.txt', 'two', { exclusive: true }))).toBeInstanceOf(
      FileExistsError,
    );
    const w = await fs.open('d/f.txt', 'w');
    expect(await caught(fs.writeFile('d/f.txt', 'three'))).toBeInstanceOf(BlockingIOError);
    await w.abort();
    expect(await caught(fs.writeFile('d', 'four'))).toBeInstanceOf(InvalidPathError);
    await fs.writeFile('e/g.txt', 'five', { exclusive: true });
    expect(tree(root)).toEqual(['d/f.txt', 'e/g.txt']);
    expect((await fs.readFile('d/f.txt')).toString()).toBe('one');
  });

  test('opening the root removes the writeFile temp files a killed writer left, and only stale ones', async () => {
    const tmp = nodePath.join(root, '.aiofs', 'tmp');
    mkdirSync(tmp, { recursive: true });
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000);
    const stale = nodePath.join(tmp, '.aiofs-tmp-stale');
    const fresh = nodePath.join(tmp, '.aiofs-tmp-fresh');
    const foreign = nodePath.join(tmp, 'not-ours');
    const staleFolder = nodePath.join(tmp, '.aiofs-tmp-folder');
    for (const file of [stale, fresh, foreign]) writeFileSync(file, 'half a file');
    mkdirSync(staleFolder);
    for (const entry of [stale, foreign, staleFolder]) utimesSync(entry, hoursAgo(2), hoursAgo(2));
    utimesSync(fresh, hoursAgo(0.5), hoursAgo(0.5));

    const reopened = await createFileSystem({ backend: 'local', root });
    try {
      expect(readdirSync(tmp).sort()).toEqual([
        '.aiofs-tmp-folder',
        '.aiofs-tmp-fresh',
        'not-ours',
      ]);
      await reopened.writeFile('after.txt', 'still works');
      expect(readdirSync(tmp).sort()).toEqual([
        '.aiofs-tmp-folder',
        '.aiofs-tmp-fresh',
        'not-ours',
      ]);
    } finally {
      await reopened.close();
    }
  });

  test('reads past the first 64 KiB, and ranges across it, get the right bytes', async () => {
    const data = Buffer.from(
      Array.from({ length: 200 * 1024 }, (_, i) => (i * 7 + (i >> 9)) % 251),
    );
    writeFileSync(nodePath.join(root, 'big.bin'), data);
    expect((await fs.readFile('big.bin')).equals(data)).toBe(true);
    for (const [start, end] of [
      [0, 65536],
      [65530, 65542],
      [100, 70000],
      [1000, undefined],
      [200 * 1024 - 5, 200 * 1024 + 100],
      [300 * 1024, undefined],
    ] as const) {
      const got = await fs.readFile('big.bin', { start, end });
      expect(got.equals(data.subarray(start, end))).toBe(true);
    }
  });

  test.each(['descriptors', 'paths'])(
    'a read through a symlinked folder inside the root gets the file (by %s)',
    async (mode) => {
      if (mode === 'paths') {
        await fs.close();
        fs = await byPaths(root);
      }
      mkdirSync(nodePath.join(root, 'real'));
      writeFileSync(nodePath.join(root, 'real', 'f.txt'), 'through');
      symlinkSync(nodePath.join(root, 'real'), nodePath.join(root, 'alias'));
      expect((await fs.readFile('alias/f.txt')).toString()).toBe('through');
      expect((await fs.readFile('alias/f.txt', { start: 1, end: 3 })).toString()).toBe('hr');
    },
  );

  test('a FIFO or a folder at a path reads as missing, without waiting for a writer', async () => {
    const made = spawnSync('mkfifo', [nodePath.join(root, 'pipe')]);
    expect(made.status).toBe(0);
    mkdirSync(nodePath.join(root, 'folder'));
    for (const path of ['pipe', 'folder']) {
      expect(await caught(fs.readFile(path))).toBeInstanceOf(FileNotFoundError);
      expect(await caught(fs.readFile(path, { start: 1, end: 2 }))).toBeInstanceOf(
        FileNotFoundError,
      );
      expect(await caught(fs.open(path))).toBeInstanceOf(FileNotFoundError);
      expect(await caught(fs.openReadStream(path))).toBeInstanceOf(FileNotFoundError);
    }
  });

  test('a fresh lock entry is never broken', async () => {
    const w = await fs.open('f.txt', 'w');
    for (let i = 0; i < 5; i++)
      expect(await caught(fs.open('f.txt', 'w'))).toBeInstanceOf(BlockingIOError);
    await w.close();
  });

  test('empty folders are removed by rm, mv and abort', async () => {
    await fs.writeFile('a/b/c.txt', 'x');
    await fs.rm('a/b/c.txt');
    expect(tree(root).filter((p) => !p.startsWith('.aiofs'))).toEqual([]);
    expect(existsSync(nodePath.join(root, 'a'))).toBe(false);

    await fs.writeFile('m/n/o.txt', 'x');
    await fs.mv('m/n/o.txt', 'p.txt');
    expect(existsSync(nodePath.join(root, 'm'))).toBe(false);

    const w = await fs.open('new/dir/f.txt', 'w');
    await w.abort();
    expect(existsSync(nodePath.join(root, 'new'))).toBe(false);
    expect(existsSync(root)).toBe(true);
  });

  test('a folder and a file of the same name cannot coexist on a disk: a clear error', async () => {
    await fs.writeFile('a/b.txt', 'x');
    const error = await caught(fs.writeFile('a', 'y'));
    expect(error).toBeInstanceOf(InvalidPathError);
    expect(error.message).toMatch(/folder and a file/);
    expect(await fs.ls()).toEqual(['a/b.txt']);
    const error2 = await caught(fs.writeFile('a/b.txt/c', 'y'));
    expect(error2).toBeInstanceOf(FileSystemError);
    expect(await fs.ls()).toEqual(['a/b.txt']);
  });

  test('durable: false commits the same way without fsync', async () => {
    const quick = await createFileSystem({ backend: 'local', root, durable: false });
    await quick.writeFile('q.txt', 'quick');
    expect((await fs.readFile('q.txt')).toString()).toBe('quick');
    await quick.close();
  });

  test('ping fails with a typed error when the root is gone', async () => {
    rmSync(root, { recursive: true, force: true });
    const error = await caught(fs.ping());
    expect(error).toBeInstanceOf(FileSystemError);
    expect(error.code).toBe('ENOENT');
  });
});

describe('folder descriptors', () => {
  const openDescriptors = () => readdirSync('/proc/self/fd').length;
  const linux = existsSync('/proc/self/fd') ? test : test.skip;

  linux(
    'closing the file system while calls walk folders leaves no folder descriptor open',
    async () => {
      for (let round = 0; round < 30; round++) {
        // Folders no call has walked yet, so every walk ends by offering its folder to the cache.
        for (let i = 0; i < 40; i++)
          mkdirSync(nodePath.join(root, `d${round}`, `a${i}`, 'b'), { recursive: true });
        const before = openDescriptors();
        const other = await createFileSystem({ backend: 'local', root });
        const calls = Array.from({ length: 40 }, (_, i) =>
          other.exists(`d${round}/a${i}/b/f.txt`).catch(() => undefined),
        );
        await new Promise((resolve) => setTimeout(resolve, round % 5));
        await other.close();
        await Promise.all(calls);
        await new Promise((resolve) => setTimeout(resolve, 20)); // the last lets-go are not awaited
        expect({ round, open: openDescriptors() }).toEqual({ round, open: before });
      }
    },
  );
});

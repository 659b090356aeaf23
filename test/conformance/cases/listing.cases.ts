import { BlockingIOError, escapePattern, FileNotFoundError, InvalidPathError } from '../../../lib';
import { caught } from '../expect-error';
import type { Context } from '../target';

const FILES = [
  'a.txt',
  'b.txt',
  'ab.txt',
  'dir/c.txt',
  'dir/sub/d.txt',
  'dir2/e.txt',
  'weird[1].txt',
  'weird1.txt',
  '100%.txt',
  'star*name',
  'q?mark',
  'h^at$[a-z]',
  '公司合作协议.doc',
];

async function scanAll(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of iterable) out.push(p);
  return out;
}

/** DESIGN §3 patterns and §4 rm, on ls, scan and rm. */
export function listingCases(ctx: Context): void {
  describe('ls, scan and rm', () => {
    beforeEach(async () => {
      for (const f of FILES) await ctx.fs.writeFile(f, f);
    });

    test('ls() lists every file, sorted, and nothing internal', async () => {
      expect(await ctx.fs.ls()).toEqual([...FILES].sort());
      expect(await ctx.fs.ls('*')).toEqual([...FILES].sort());
    });

    test.each<[string, string[]]>([
      ['dir/*', ['dir/c.txt', 'dir/sub/d.txt']],
      ['dir*', ['dir/c.txt', 'dir/sub/d.txt', 'dir2/e.txt']],
      [
        '*.txt',
        [
          '100%.txt',
          'a.txt',
          'ab.txt',
          'b.txt',
          'dir/c.txt',
          'dir/sub/d.txt',
          'dir2/e.txt',
          'weird1.txt',
          'weird[1].txt',
        ],
      ],
      ['?.txt', ['a.txt', 'b.txt']],
      ['??.txt', ['ab.txt']],
      ['dir/*/d.txt', ['dir/sub/d.txt']],
      ['*/c.txt', ['dir/c.txt']],
      ['weird[1].txt', ['weird[1].txt']],
      ['weird?.txt', ['weird1.txt']],
      ['weird*', ['weird1.txt', 'weird[1].txt']],
      ['100%.txt', ['100%.txt']],
      ['100%*', ['100%.txt']],
      ['star\\*name', ['star*name']],
      ['star\\*nam?', ['star*name']],
      ['q\\?mark', ['q?mark']],
      ['h^at$[a-z]', ['h^at$[a-z]']],
      ['h^*', ['h^at$[a-z]']],
      ['公司*', ['公司合作协议.doc']],
      ['公司合作协议.?oc', ['公司合作协议.doc']],
      ['/dir//sub/./d.txt', ['dir/sub/d.txt']],
      ['./a.txt', ['a.txt']],
      ['a.txt', ['a.txt']],
      ['missing.txt', []],
      ['nomatch*', []],
      ['dir/sub', []],
      ['d?r/c.txt', ['dir/c.txt']],
      ['\\a.txt', ['a.txt']],
    ])('ls(%p)', async (pattern, expected) => {
      expect(await ctx.fs.ls(pattern)).toEqual(expected);
      expect((await scanAll(ctx.fs.scan(pattern))).sort()).toEqual(expected);
    });

    test('scan() yields the same set as ls(), each path once', async () => {
      const scanned = await scanAll(ctx.fs.scan());
      expect(scanned.length).toBe(new Set(scanned).size);
      expect(scanned.sort()).toEqual(await ctx.fs.ls());
    });

    test.each(['a\\', '..', 'dir/../*', '', '/', 'a\u0000*', '.aiofs*', 'dir/.aiofs-tmp*'])(
      'a bad pattern %p is InvalidPathError',
      async (pattern) => {
        expect(await caught(ctx.fs.ls(pattern))).toBeInstanceOf(InvalidPathError);
        expect(await caught(scanAll(ctx.fs.scan(pattern)))).toBeInstanceOf(InvalidPathError);
        expect(await caught(ctx.fs.rm(pattern))).toBeInstanceOf(InvalidPathError);
        expect(await ctx.fs.ls()).toEqual([...FILES].sort());
      },
    );

    test('rm(pattern) removes every match and says how many', async () => {
      expect(await ctx.fs.rm('dir/*')).toBe(2);
      expect(await ctx.fs.ls('dir*')).toEqual(['dir2/e.txt']);
      expect(await ctx.fs.rm('?.txt')).toBe(2);
      expect(await ctx.fs.rm('weird[1].txt')).toBe(1);
      expect(await ctx.fs.exists('weird1.txt')).toBe(true);
      expect(await ctx.fs.rm('nothing*')).toBe(0);
    });

    test('rm(path) removes one file; a missing one is ENOENT unless missingOk', async () => {
      expect(await ctx.fs.rm('a.txt')).toBe(1);
      expect(await ctx.fs.exists('a.txt')).toBe(false);
      const error = await caught(ctx.fs.rm('a.txt'));
      expect(error).toBeInstanceOf(FileNotFoundError);
      expect(error.path).toBe('a.txt');
      expect(await ctx.fs.rm('a.txt', { missingOk: true })).toBe(0);
      expect(await ctx.fs.rm('dir', { missingOk: true })).toBe(0);
      expect(await caught(ctx.fs.rm('dir'))).toBeInstanceOf(FileNotFoundError);
    });

    test('rm(escapePattern(name)) removes only that name, whatever it holds', async () => {
      const tricky = ['x*y', 'xAy', 'xBBy', 'q?x', 'qax', 'b[1]', 'b1', '*', 'dir/*'];
      for (const f of tricky) await ctx.fs.writeFile(f, f);
      const before = await ctx.fs.ls();
      for (const name of ['x*y', 'q?x', 'b[1]', '*', 'dir/*', 'star*name', 'q?mark']) {
        expect(await ctx.fs.rm(escapePattern(name))).toBe(1);
        expect(await ctx.fs.ls()).toEqual(before.filter((p) => p !== name));
        before.splice(before.indexOf(name), 1);
      }
      expect(before).toContain('xAy');
      expect(before).toContain('dir/c.txt');
      // a missing name is ENOENT, never "0 matched"
      expect(await caught(ctx.fs.rm(escapePattern('x*y')))).toBeInstanceOf(FileNotFoundError);
    });

    test('rm of a list with a missing plain path removes nothing', async () => {
      expect(await caught(ctx.fs.rm(['b.txt', 'dir/*', 'missing.txt']))).toBeInstanceOf(
        FileNotFoundError,
      );
      expect(await ctx.fs.ls()).toEqual([...FILES].sort());
      expect(await ctx.fs.rm(['b.txt', 'dir/*', 'missing.txt', 'b.txt'], { missingOk: true })).toBe(
        3,
      );
      expect(await ctx.fs.rm([])).toBe(0);
    });

    test('rm(pattern) removes what is free, then names the locked ones', async () => {
      const w1 = await ctx.fs.open('dir/c.txt', 'r+');
      const w2 = await ctx.fs.open('dir2/e.txt', 'a');
      const error = await caught(ctx.fs.rm('dir*'));
      expect(error).toBeInstanceOf(BlockingIOError);
      expect((error.paths ?? []).sort()).toEqual(['dir/c.txt', 'dir2/e.txt']);
      expect(error.message).toContain('dir/c.txt');
      expect(error.message).toContain('dir2/e.txt');
      expect(await ctx.fs.ls('dir*')).toEqual(['dir/c.txt', 'dir2/e.txt']);
      await w1.close();
      await w2.close();
      expect(await ctx.fs.rm('dir*')).toBe(2);
    });

    test('a removed file parent folder no longer lists, and a new file there works', async () => {
      await ctx.fs.rm('dir/sub/d.txt');
      expect(await ctx.fs.ls('dir/*')).toEqual(['dir/c.txt']);
      await ctx.fs.writeFile('dir/sub/new.txt', 'x');
      expect(await ctx.fs.ls('dir/sub/*')).toEqual(['dir/sub/new.txt']);
    });

    test('a pattern on a folder never matches a sibling with the same start', async () => {
      await ctx.fs.writeFile('dirty.txt', 'x');
      expect(await ctx.fs.ls('dir/*')).toEqual(['dir/c.txt', 'dir/sub/d.txt']);
    });
  });
}

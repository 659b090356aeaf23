import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, InvalidPathError, type FileLikeSystem } from '../../../lib';
import { caught } from '../expect-error';
import type { Context } from '../target';

/**
 * Paths every backend refuses (DESIGN §3). The ones marked `pattern-ok` are still valid
 * patterns (`\\` escapes the next character there; `ls()` defaults to '*').
 */
export const INVALID_PATHS: Array<[string, unknown, 'pattern-ok'?]> = [
  ['empty', ''],
  ['only a slash', '/'],
  ['only dots and slashes', './/.'],
  ['a .. segment', '..'],
  ['.. inside', 'a/../b'],
  ['.. at the end', 'a/..'],
  ['traversal to etc', '../../etc/passwd'],
  ['a NUL', 'a\u0000b'],
  ['a newline', 'a\nb'],
  ['a tab', 'a\tb'],
  ['DEL', 'a\u007fb'],
  ['a C1 control', 'a\u0085b'],
  ['a backslash', 'a\\b', 'pattern-ok'],
  ['a Windows traversal', '..\\..\\x', 'pattern-ok'],
  ['1025 bytes', 'x'.repeat(1025)],
  ['1024 bytes of 3-byte characters plus one', '公'.repeat(341) + 'ab'],
  ['the internal folder', '.aiofs/locks/x'],
  ['an internal temp name', 'dir/.aiofs-tmp-123'],
  ['a number', 42],
  ['null', null],
  ['undefined', undefined, 'pattern-ok'],
];

const VALID_EQUIVALENTS = ['/a/b.txt', 'a//b.txt', './a/./b.txt', 'a/b.txt/', '//a///b.txt'];

/** Every operation that takes a path, called with `p`; without those taking patterns when `pathsOnly`. */
function pathOperations(
  fs: FileLikeSystem,
  p: never,
  pathsOnly: boolean,
): Array<[string, () => Promise<unknown>]> {
  const patternOperations: Array<[string, () => Promise<unknown>]> = [
    ['rm', () => fs.rm(p)],
    ['rm missingOk', () => fs.rm(p, { missingOk: true })],
    ['rm in a list', () => fs.rm(['keep.txt', p])],
    ['ls', () => fs.ls(p)],
  ];
  return [
    ...(pathsOnly ? [] : patternOperations),
    ...(['r', 'r+', 'w', 'w+', 'a', 'a+', 'x', 'x+'] as const).map(
      (m): [string, () => Promise<unknown>] => [`open ${m}`, () => fs.open(p, m)],
    ),
    ['readFile', () => fs.readFile(p)],
    ['writeFile', () => fs.writeFile(p, 'x')],
    ['writeFile exclusive', () => fs.writeFile(p, 'x', { exclusive: true })],
    ['stat', () => fs.stat(p)],
    ['exists', () => fs.exists(p)],
    ['openReadStream', () => fs.openReadStream(p)],
    ['openWriteStream', () => fs.openWriteStream(p)],
    ['cp from', () => fs.cp(p, 'copy.txt')],
    ['cp to', () => fs.cp('keep.txt', p)],
    ['mv from', () => fs.mv(p, 'moved.txt')],
    ['mv to', () => fs.mv('keep.txt', p)],
  ];
}

export function pathCases(ctx: Context): void {
  describe('paths', () => {
    const invalid = [
      ...INVALID_PATHS,
      ...(ctx.target.invalidPaths ?? []).map((p): [string, unknown, undefined] => [
        `backend-specific ${JSON.stringify(p)}`,
        p,
        undefined,
      ]),
    ];

    // rows as objects: a row shorter than the callback's arity would make Jest wait for `done`
    test.each(invalid.map(([name, path, patternOk]) => ({ name, path, patternOk })))(
      '$name is InvalidPathError for every operation, and nothing changes',
      async ({ path, patternOk }) => {
        await ctx.fs.writeFile('keep.txt', 'keep');
        for (const [operation, call] of pathOperations(
          ctx.fs,
          path as never,
          patternOk === 'pattern-ok',
        )) {
          const error = await caught(call);
          if (!(error instanceof InvalidPathError))
            throw new Error(
              `${operation}: expected InvalidPathError, got ${error.name}: ${error.message}`,
            );
          expect(error.code).toBe('EINVAL');
          expect(error).toBeInstanceOf(InvalidArgumentError);
        }
        expect(await ctx.fs.ls()).toEqual(['keep.txt']);
        expect((await ctx.fs.readFile('keep.txt')).toString()).toBe('keep');
        await ctx.fs.writeFile('keep.txt', 'not locked');
      },
    );

    test('a leading slash, ./ and repeated slashes name the same file', async () => {
      await ctx.fs.writeFile('a/b.txt', 'same');
      for (const p of VALID_EQUIVALENTS) {
        expect((await ctx.fs.readFile(p)).toString()).toBe('same');
        expect((await ctx.fs.stat(p)).path).toBe('a/b.txt');
      }
      await ctx.fs.writeFile('/a//b.txt', 'replaced');
      expect(await ctx.fs.ls()).toEqual(['a/b.txt']);
      expect((await ctx.fs.readFile('a/b.txt')).toString()).toBe('replaced');
      const f = await ctx.fs.open('./a/b.txt', 'r');
      expect(f.path).toBe('a/b.txt');
      await f.close();
    });

    test('exactly 1024 UTF-8 bytes is fine', async () => {
      // five names of 204 bytes (a disk allows 255 per name) and four slashes
      const p = [
        '公'.repeat(68),
        'a'.repeat(204),
        'é'.repeat(102),
        'b'.repeat(204),
        'c'.repeat(204),
      ].join('/');
      expect(Buffer.byteLength(p)).toBe(1024);
      await ctx.fs.writeFile(p, 'long');
      expect(await ctx.fs.ls()).toEqual([p]);
      expect((await ctx.fs.readFile(p)).toString()).toBe('long');
      expect(await ctx.fs.rm(p)).toBe(1);
    });

    test.each([
      '公司合作协议.doc',
      'café/naïve ☃.txt',
      'emoji/🚀 launch 🎉.md',
      'ünïcødé/ΑΒΓ/кириллица/עברית.txt',
      'spaces in name .txt',
      'dots...in..name',
      '..hidden-but-not-dotdot',
      '...',
      'a.b/c..d',
      '-dash/_underscore/~tilde',
      'quote\'"and(paren)&amp;=+,;@!',
    ])('Unicode and odd but legal names work: %p', async (p) => {
      await ctx.fs.writeFile(p, p);
      expect((await ctx.fs.readFile(p)).toString()).toBe(p);
      expect(await ctx.fs.ls()).toEqual([p]);
      expect(await ctx.fs.exists(p)).toBe(true);
      await pipeline(Readable.from([Buffer.from('streamed')]), await ctx.fs.openWriteStream(p));
      expect((await ctx.fs.readFile(p)).toString()).toBe('streamed');
      expect(await ctx.fs.rm(p)).toBe(1);
      expect(await ctx.fs.ls()).toEqual([]);
    });

    test('folders are implicit: ls lists files only, a file keeps its parents', async () => {
      await ctx.fs.writeFile('x/y/z.txt', 'deep');
      expect(await ctx.fs.ls()).toEqual(['x/y/z.txt']);
      expect(await ctx.fs.exists('x')).toBe(false);
      expect(await ctx.fs.exists('x/y')).toBe(false);
      await ctx.fs.rm('x/y/z.txt');
      expect(await ctx.fs.ls()).toEqual([]);
    });
  });
}

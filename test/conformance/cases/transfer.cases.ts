import { FileExistsError, FileNotFoundError, InvalidArgumentError } from '../../../lib';
import { caught } from '../expect-error';
import type { Context } from '../target';

/** cp, mv, stat, exists, writeFile. */
export function transferCases(ctx: Context): void {
  describe('cp, mv, stat, exists, writeFile', () => {
    test('cp copies; the source stays; an existing target is replaced', async () => {
      await ctx.fs.writeFile('a.txt', 'A');
      await ctx.fs.writeFile('b.txt', 'B');
      await ctx.fs.cp('a.txt', 'copy/a.txt');
      await ctx.fs.cp('a.txt', 'b.txt');
      expect(await ctx.fs.ls()).toEqual(['a.txt', 'b.txt', 'copy/a.txt']);
      expect((await ctx.fs.readFile('copy/a.txt')).toString()).toBe('A');
      expect((await ctx.fs.readFile('b.txt')).toString()).toBe('A');
    });

    test('mv moves; the target is replaced; the source is gone', async () => {
      await ctx.fs.writeFile('a.txt', 'A');
      await ctx.fs.writeFile('b.txt', 'B');
      await ctx.fs.mv('a.txt', 'sub/dir/a.txt');
      expect(await ctx.fs.ls()).toEqual(['b.txt', 'sub/dir/a.txt']);
      await ctx.fs.mv('sub/dir/a.txt', 'b.txt');
      expect(await ctx.fs.ls()).toEqual(['b.txt']);
      expect((await ctx.fs.readFile('b.txt')).toString()).toBe('A');
    });

    test('cp and mv of a missing source are ENOENT and create nothing', async () => {
      for (const op of [
        () => ctx.fs.cp('nope', 'x'),
        () => ctx.fs.mv('nope', 'x'),
        () => ctx.fs.mv('nope', 'nope'),
        () => ctx.fs.cp('nope', 'nope'),
      ]) {
        const error = await caught(op);
        expect(error).toBeInstanceOf(FileNotFoundError);
        expect(error.path).toBe('nope');
      }
      expect(await ctx.fs.ls()).toEqual([]);
      await ctx.fs.writeFile('x', 'x is not locked');
    });

    test('cp and mv onto themselves keep the file', async () => {
      await ctx.fs.writeFile('a.txt', 'A');
      await ctx.fs.mv('a.txt', '/a.txt');
      await ctx.fs.cp('a.txt', './a.txt');
      expect((await ctx.fs.readFile('a.txt')).toString()).toBe('A');
    });

    test('cp of a large file copies every byte', async () => {
      const data = Buffer.alloc(3 * 1024 * 1024 + 1, 'xyz');
      await ctx.fs.writeFile('big', data);
      await ctx.fs.cp('big', 'big2');
      expect((await ctx.fs.readFile('big2')).equals(data)).toBe(true);
    });

    test('stat gives the size, and the etag and modifiedAt a backend has', async () => {
      const before = Date.now();
      await ctx.fs.writeFile('f.txt', 'hello');
      const s1 = await ctx.fs.stat('f.txt');
      expect(s1.path).toBe('f.txt');
      expect(s1.size).toBe(5);
      if (s1.modifiedAt !== undefined) {
        expect(s1.modifiedAt).toBeInstanceOf(Date);
        expect(Math.abs(s1.modifiedAt.getTime() - before)).toBeLessThan(60_000);
      }
      await ctx.fs.writeFile('f.txt', 'hello, again');
      const s2 = await ctx.fs.stat('f.txt');
      expect(s2.size).toBe(12);
      if (s1.etag !== undefined) expect(s2.etag).not.toBe(s1.etag);
    });

    test('exists is true for files only', async () => {
      await ctx.fs.writeFile('d/f.txt', 'x');
      expect(await ctx.fs.exists('d/f.txt')).toBe(true);
      expect(await ctx.fs.exists('d')).toBe(false);
      expect(await ctx.fs.exists('f.txt')).toBe(false);
    });

    test('writeFile replaces the whole file; exclusive refuses an existing one', async () => {
      await ctx.fs.writeFile('f.txt', 'a long first version');
      await ctx.fs.writeFile('f.txt', 'short');
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('short');
      const error = await caught(ctx.fs.writeFile('f.txt', 'nope', { exclusive: true }));
      expect(error).toBeInstanceOf(FileExistsError);
      expect(error.code).toBe('EEXIST');
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('short');
      await ctx.fs.writeFile('g.txt', 'new', { exclusive: true });
      expect((await ctx.fs.readFile('g.txt')).toString()).toBe('new');
      expect(
        await caught(ctx.fs.writeFile('h.txt', 'x', { exclusive: 'yes' as never })),
      ).toBeInstanceOf(InvalidArgumentError);
      expect(await ctx.fs.exists('h.txt')).toBe(false);
    });

    test('binary data survives every byte value', async () => {
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await ctx.fs.writeFile('bytes.bin', all);
      expect((await ctx.fs.readFile('bytes.bin')).equals(all)).toBe(true);
      expect((await ctx.fs.readFile('bytes.bin', { start: 250 })).equals(all.subarray(250))).toBe(
        true,
      );
    });

    test('ping answers with a round-trip time', async () => {
      const ms = await ctx.fs.ping();
      expect(typeof ms).toBe('number');
      expect(ms).toBeGreaterThanOrEqual(0);
    });

    test('the file system names its backend', () => {
      expect(ctx.fs.backend).toBe(ctx.target.name.replace(/-.*/, ''));
    });
  });
}

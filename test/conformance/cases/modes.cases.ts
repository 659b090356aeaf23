import {
  FileExistsError,
  FileNotFoundError,
  InvalidArgumentError,
  UnsupportedOperationError,
} from '../../../lib';
import { caught } from '../expect-error';
import type { Context } from '../target';

/** DESIGN §4: one test per row of the mode table, and bad modes. */
export function modeCases(ctx: Context): void {
  describe('modes', () => {
    test('r: needs the file, reads from 0, cannot write, close changes nothing', async () => {
      expect(await caught(ctx.fs.open('missing.txt', 'r'))).toBeInstanceOf(FileNotFoundError);
      await ctx.fs.writeFile('f.txt', 'hello');
      const f = await ctx.fs.open('f.txt');
      expect(f.mode).toBe('r');
      expect(f.tell()).toBe(0);
      expect((await f.read()).toString()).toBe('hello');
      const error = await caught(f.write('x'));
      expect(error).toBeInstanceOf(UnsupportedOperationError);
      expect(error.code).toBe('ENOTSUP');
      expect(await caught(f.truncate(0))).toBeInstanceOf(UnsupportedOperationError);
      await f.close();
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('hello');
      expect(await ctx.fs.ls()).toEqual(['f.txt']);
    });

    test('r+: needs the file, reads and writes at the position, commits', async () => {
      expect(await caught(ctx.fs.open('missing.txt', 'r+'))).toBeInstanceOf(FileNotFoundError);
      expect(await ctx.fs.exists('missing.txt')).toBe(false);
      await ctx.fs.writeFile('f.txt', 'hello world');
      const f = await ctx.fs.open('f.txt', 'r+');
      expect(f.tell()).toBe(0);
      expect((await f.read(5)).toString()).toBe('hello');
      await f.write('_');
      expect(f.tell()).toBe(6);
      await f.seek(0);
      await f.write('J');
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('hello world');
      await f.close();
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('Jello_world');
    });

    test('w: empties, cannot read, commits, creates even when nothing is written', async () => {
      await ctx.fs.writeFile('f.txt', 'old content');
      const f = await ctx.fs.open('f.txt', 'w');
      expect(f.tell()).toBe(0);
      expect(await caught(f.read())).toBeInstanceOf(UnsupportedOperationError);
      expect(await f.write('new')).toBe(3);
      await f.close();
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('new');

      await (await ctx.fs.open('empty.txt', 'w')).close();
      expect(await ctx.fs.exists('empty.txt')).toBe(true);
      expect((await ctx.fs.readFile('empty.txt')).length).toBe(0);
      expect((await ctx.fs.stat('empty.txt')).size).toBe(0);
    });

    test('w+: empties and reads back its own writes', async () => {
      await ctx.fs.writeFile('f.txt', 'old content');
      const f = await ctx.fs.open('f.txt', 'w+');
      expect((await f.read()).length).toBe(0);
      await f.write('abcdef');
      await f.seek(2);
      expect((await f.read(2)).toString()).toBe('cd');
      await f.close();
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('abcdef');
    });

    test('a: starts at the end, always appends, cannot read', async () => {
      await ctx.fs.writeFile('log.txt', 'one\n');
      const f = await ctx.fs.open('log.txt', 'a');
      expect(f.tell()).toBe(4);
      expect(await caught(f.read())).toBeInstanceOf(UnsupportedOperationError);
      await f.write('two\n');
      await f.seek(0);
      await f.write('three\n');
      expect(f.tell()).toBe(14);
      await f.close();
      expect((await ctx.fs.readFile('log.txt')).toString()).toBe('one\ntwo\nthree\n');

      await (await ctx.fs.open('new.txt', 'a')).close();
      expect(await ctx.fs.exists('new.txt')).toBe(true);
    });

    test('a+: reads from the position, writes at the end', async () => {
      await ctx.fs.writeFile('log.txt', 'abc');
      const f = await ctx.fs.open('log.txt', 'a+');
      expect(f.tell()).toBe(3);
      expect((await f.read()).length).toBe(0);
      await f.seek(0);
      expect((await f.read(1)).toString()).toBe('a');
      await f.write('def');
      expect(f.tell()).toBe(6);
      await f.seek(0);
      expect((await f.read()).toString()).toBe('abcdef');
      await f.close();
      expect((await ctx.fs.readFile('log.txt')).toString()).toBe('abcdef');
    });

    test('x: refuses an existing file, creates a new one, cannot read', async () => {
      await ctx.fs.writeFile('f.txt', 'keep');
      const error = await caught(ctx.fs.open('f.txt', 'x'));
      expect(error).toBeInstanceOf(FileExistsError);
      expect(error.code).toBe('EEXIST');
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('keep');
      // the refused open left no lock behind
      await ctx.fs.writeFile('f.txt', 'still writable');

      const f = await ctx.fs.open('new.txt', 'x');
      expect(await caught(f.read())).toBeInstanceOf(UnsupportedOperationError);
      await f.write('fresh');
      await f.close();
      expect((await ctx.fs.readFile('new.txt')).toString()).toBe('fresh');
    });

    test('x+: creates and reads back', async () => {
      await ctx.fs.writeFile('f.txt', 'keep');
      expect(await caught(ctx.fs.open('f.txt', 'x+'))).toBeInstanceOf(FileExistsError);
      const f = await ctx.fs.open('new.txt', 'x+');
      await f.write('12345');
      await f.seek(1);
      expect((await f.read(3)).toString()).toBe('234');
      await f.close();
      expect((await ctx.fs.readFile('new.txt')).toString()).toBe('12345');
    });

    test("a trailing 'b' is accepted and ignored", async () => {
      await ctx.fs.writeFile('f.bin', Buffer.from([1, 2, 3]));
      for (const mode of ['rb', 'r+b', 'rb+'] as const) {
        const f = await ctx.fs.open('f.bin', mode as never);
        expect([...(await f.read())]).toEqual([1, 2, 3]);
        await f.close();
      }
      const w = await ctx.fs.open('g.bin', 'wb' as never);
      expect(w.mode).toBe('w');
      await w.write(Buffer.from([9]));
      await w.close();
      expect([...(await ctx.fs.readFile('g.bin'))]).toEqual([9]);
    });

    test.each(['rw', 'z', '', 'b', 'W', 'r++', 'wx', ' r', 12, null])(
      'a bad mode %p is EINVAL and changes nothing',
      async (mode) => {
        await ctx.fs.writeFile('f.txt', 'keep');
        const error = await caught(ctx.fs.open('f.txt', mode as never));
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect(error.code).toBe('EINVAL');
        expect(await caught(ctx.fs.open('new.txt', mode as never))).toBeInstanceOf(
          InvalidArgumentError,
        );
        expect(await ctx.fs.ls()).toEqual(['f.txt']);
        expect((await ctx.fs.readFile('f.txt')).toString()).toBe('keep');
        const w = await ctx.fs.open('f.txt', 'w'); // no lock was left behind
        await w.abort();
      },
    );

    test('open(path, mode, body) commits and returns what body returns', async () => {
      const result = await ctx.fs.open('f.txt', 'w', async (f) => {
        await f.write('from body');
        return 42;
      });
      expect(result).toBe(42);
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('from body');
      const read = await ctx.fs.open('f.txt', 'r', async (f) => (await f.read()).toString());
      expect(read).toBe('from body');
    });

    test('await using commits on dispose', async () => {
      {
        await using f = await ctx.fs.open('f.txt', 'w');
        await f.write('disposed');
        expect(await ctx.fs.exists('f.txt')).toBe(false);
      }
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('disposed');
    });
  });
}

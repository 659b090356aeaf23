import { FileClosedError, InvalidArgumentError, type FileLikeSystem } from '../../../lib';
import { caught } from '../expect-error';
import type { Context } from '../target';

/** DESIGN §2: read/seek/tell/truncate, closed handles, data types. */
export function handleCases(ctx: Context): void {
  describe('handles', () => {
    test('read(size) moves the position; read(), read(-1) go to the end; read(0) is empty', async () => {
      await ctx.fs.writeFile('f.txt', '0123456789');
      const f = await ctx.fs.open('f.txt');
      expect((await f.read(3)).toString()).toBe('012');
      expect(f.tell()).toBe(3);
      expect((await f.read(0)).length).toBe(0);
      expect((await f.read(-1)).toString()).toBe('3456789');
      expect(f.tell()).toBe(10);
      expect((await f.read()).length).toBe(0);
      expect((await f.read(5)).length).toBe(0);
      await f.seek(8);
      expect((await f.read(100)).toString()).toBe('89');
      await f.close();
    });

    test('seek from start, current and end; past the end reads nothing', async () => {
      await ctx.fs.writeFile('f.txt', '0123456789');
      const f = await ctx.fs.open('f.txt');
      expect(await f.seek(4)).toBe(4);
      expect(await f.seek(2, 'current')).toBe(6);
      expect(await f.seek(-3, 'current')).toBe(3);
      expect(await f.seek(-2, 'end')).toBe(8);
      expect((await f.read()).toString()).toBe('89');
      expect(await f.seek(0, 'end')).toBe(10);
      expect(await f.seek(50)).toBe(50);
      expect((await f.read()).length).toBe(0);
      await f.close();
    });

    test.each([
      ['a negative result', (f: { seek: (o: number, w?: never) => Promise<number> }) => f.seek(-1)],
      [
        'before the start from the end',
        (f: { seek: (o: number, w?: never) => Promise<number> }) => f.seek(-11, 'end' as never),
      ],
      ['a fraction', (f: { seek: (o: number, w?: never) => Promise<number> }) => f.seek(1.5)],
      [
        'a bad whence',
        (f: { seek: (o: number, w?: never) => Promise<number> }) => f.seek(0, 'middle' as never),
      ],
      [
        'a string offset',
        (f: { seek: (o: number, w?: never) => Promise<number> }) => f.seek('3' as never),
      ],
    ])('seek with %s is EINVAL and keeps the position', async (_name, call) => {
      await ctx.fs.writeFile('f.txt', '0123456789');
      const f = await ctx.fs.open('f.txt');
      await f.seek(5);
      expect(await caught(call(f as never))).toBeInstanceOf(InvalidArgumentError);
      expect(f.tell()).toBe(5);
      await f.close();
    });

    test.each([-2, 1.5, '3', null])('read(%p) is EINVAL', async (size) => {
      await ctx.fs.writeFile('f.txt', 'abc');
      const f = await ctx.fs.open('f.txt');
      expect(await caught(f.read(size as never))).toBeInstanceOf(InvalidArgumentError);
      expect(f.tell()).toBe(0);
      await f.close();
    });

    test('writing past the end fills the gap with zeros', async () => {
      const f = await ctx.fs.open('f.bin', 'w+');
      await f.write('ab');
      await f.seek(5);
      await f.write('c');
      await f.close();
      expect([...(await ctx.fs.readFile('f.bin'))]).toEqual([97, 98, 0, 0, 0, 99]);
    });

    test('truncate() cuts at the position, truncate(n) cuts or zero-extends, the position stays', async () => {
      await ctx.fs.writeFile('f.txt', '0123456789');
      const f = await ctx.fs.open('f.txt', 'r+');
      await f.seek(4);
      await f.truncate();
      expect(f.tell()).toBe(4);
      expect(await f.seek(0, 'end')).toBe(4);
      await f.truncate(6);
      await f.seek(0);
      expect([...(await f.read())]).toEqual([48, 49, 50, 51, 0, 0]);
      await f.truncate(2);
      expect(f.tell()).toBe(6);
      await f.write('X');
      await f.close();
      expect([...(await ctx.fs.readFile('f.txt'))]).toEqual([48, 49, 0, 0, 0, 0, 88]);
    });

    test.each([-1, 1.5, 'x'])('truncate(%p) is EINVAL and changes nothing', async (size) => {
      await ctx.fs.writeFile('f.txt', 'abc');
      const f = await ctx.fs.open('f.txt', 'r+');
      expect(await caught(f.truncate(size as never))).toBeInstanceOf(InvalidArgumentError);
      await f.close();
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('abc');
    });

    test('write takes Buffers, Uint8Arrays (views included) and strings as UTF-8', async () => {
      const f = await ctx.fs.open('f.bin', 'w');
      expect(await f.write(Buffer.from([1, 2]))).toBe(2);
      const backing = new Uint8Array([9, 3, 4, 9]);
      expect(await f.write(backing.subarray(1, 3))).toBe(2);
      expect(await f.write('é')).toBe(2);
      expect(await f.write('')).toBe(0);
      await f.close();
      expect([...(await ctx.fs.readFile('f.bin'))]).toEqual([1, 2, 3, 4, 0xc3, 0xa9]);
    });

    test.each([123, null, undefined, { length: 1 }, [1, 2]])(
      'write(%p) is EINVAL and commits nothing of it',
      async (data) => {
        const f = await ctx.fs.open('f.bin', 'w');
        await f.write('ok');
        const error = await caught(f.write(data as never));
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect(f.tell()).toBe(2);
        await f.close();
        expect((await ctx.fs.readFile('f.bin')).toString()).toBe('ok');
      },
    );

    test.each([123, null, { a: 1 }])(
      'writeFile with data %p is EINVAL and creates nothing',
      async (data) => {
        const error = await caught(ctx.fs.writeFile('f.bin', data as never));
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect(await ctx.fs.ls()).toEqual([]);
        await ctx.fs.writeFile('f.bin', 'the path is not locked');
      },
    );

    test.each([
      ['rm with null options', (fs: FileLikeSystem) => fs.rm('f.txt', null as never)],
      [
        'rm with missingOk: "yes"',
        (fs: FileLikeSystem) => fs.rm('f.txt', { missingOk: 'yes' as never }),
      ],
      [
        'openWriteStream with null options',
        (fs: FileLikeSystem) => fs.openWriteStream('f.txt', null as never),
      ],
      ['open with null options', (fs: FileLikeSystem) => fs.open('f.txt', 'w', null as never)],
    ])('%s is EINVAL and changes nothing', async (_name, call) => {
      await ctx.fs.writeFile('f.txt', 'keep');
      expect(await caught(call(ctx.fs))).toBeInstanceOf(InvalidArgumentError);
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('keep');
      await (await ctx.fs.open('f.txt', 'w')).abort(); // not locked
    });

    test('every call on a closed handle but close/abort is EBADF; close and abort are idempotent', async () => {
      await ctx.fs.writeFile('f.txt', 'abc');
      for (const mode of ['r', 'r+', 'w+'] as const) {
        const f = await ctx.fs.open('f.txt', mode);
        await f.close();
        expect(f.closed).toBe(true);
        for (const call of [
          () => f.read(),
          () => f.write('x'),
          () => f.seek(0),
          () => f.truncate(0),
          () => f.tell(),
        ]) {
          const error = await caught(call);
          expect(error).toBeInstanceOf(FileClosedError);
          expect(error.code).toBe('EBADF');
        }
        await f.close();
        await f.abort();
      }
      const a = await ctx.fs.open('g.txt', 'w');
      await a.abort();
      await a.abort();
      await a.close();
      expect(await ctx.fs.exists('g.txt')).toBe(false);
    });

    test('calls on one handle run in order even when not awaited', async () => {
      const f = await ctx.fs.open('f.txt', 'w+');
      const writes = ['a', 'b', 'c', 'd'].map((s) => f.write(s));
      const closing = f.close();
      await Promise.all(writes);
      await closing;
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('abcd');
    });

    test('a few MiB of random data written in odd-sized pieces read back exactly', async () => {
      const data = Buffer.alloc(5 * 1024 * 1024 + 13);
      for (let i = 0; i < data.length; i += 4)
        data.writeUInt32LE((i * 2654435761) >>> 0, Math.min(i, data.length - 4));
      const f = await ctx.fs.open('big.bin', 'w');
      for (let at = 0, step = 1; at < data.length; at += step, step = (step * 7 + 12345) % 700000) {
        await f.write(data.subarray(at, Math.min(data.length, at + step)));
      }
      await f.close();
      expect((await ctx.fs.readFile('big.bin')).equals(data)).toBe(true);
      expect((await ctx.fs.stat('big.bin')).size).toBe(data.length);
      const r = await ctx.fs.open('big.bin');
      await r.seek(3 * 1024 * 1024 + 5);
      expect(
        (await r.read(1000)).equals(data.subarray(3 * 1024 * 1024 + 5, 3 * 1024 * 1024 + 1005)),
      ).toBe(true);
      await r.close();
    });
  });
}

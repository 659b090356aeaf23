import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BlockingIOError,
  FileExistsError,
  FileNotFoundError,
  InvalidArgumentError,
} from '../../../lib';
import { caught } from '../expect-error';
import type { Context } from '../target';
import { collect } from '../../support/read-back';

const TEXT = '0123456789';

/** DESIGN §2: readFile and openReadStream ranges at the edges; write streams. */
export function rangeCases(ctx: Context): void {
  describe('ranges and streams', () => {
    const edges: Array<[string, { start?: number; end?: number } | undefined, string]> = [
      ['no range', undefined, TEXT],
      ['an empty range object', {}, TEXT],
      ['start 0, end 0', { start: 0, end: 0 }, ''],
      ['the first byte', { start: 0, end: 1 }, '0'],
      ['the middle', { start: 3, end: 7 }, '3456'],
      ['start only', { start: 7 }, '789'],
      ['end only', { end: 2 }, '01'],
      ['the last byte', { start: 9, end: 10 }, '9'],
      ['start at the end', { start: 10 }, ''],
      ['start past the end', { start: 25 }, ''],
      ['start and end past the end', { start: 25, end: 30 }, ''],
      ['end past the end', { start: 8, end: 1000 }, '89'],
      ['an empty range inside', { start: 4, end: 4 }, ''],
    ];

    test.each(edges)('readFile with %s', async (_name, range, expected) => {
      await ctx.fs.writeFile('f.txt', TEXT);
      expect((await ctx.fs.readFile('f.txt', range)).toString()).toBe(expected);
    });

    test.each(edges)('openReadStream with %s', async (_name, range, expected) => {
      await ctx.fs.writeFile('f.txt', TEXT);
      expect((await collect(await ctx.fs.openReadStream('f.txt', range))).toString()).toBe(
        expected,
      );
    });

    test('what a reader gets is its own copy: changing it changes nothing stored', async () => {
      await ctx.fs.writeFile('f.txt', TEXT);
      for await (const chunk of await ctx.fs.openReadStream('f.txt')) (chunk as Buffer).fill(88);
      (await ctx.fs.readFile('f.txt')).fill(88);
      const r = await ctx.fs.open('f.txt');
      (await r.read(4)).fill(88);
      await r.close();
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe(TEXT);
    });

    test('ranges of an empty file are empty', async () => {
      await ctx.fs.writeFile('empty', '');
      expect((await ctx.fs.readFile('empty', { start: 0, end: 10 })).length).toBe(0);
      expect((await collect(await ctx.fs.openReadStream('empty'))).length).toBe(0);
    });

    test.each([
      ['a negative start', { start: -1 }],
      ['a negative end', { end: -5 }],
      ['end before start', { start: 5, end: 4 }],
      ['a fractional start', { start: 0.5 }],
      ['a string end', { end: '3' }],
      ['NaN', { start: NaN }],
      ['a number instead of an object', 5],
    ])('%s is EINVAL for readFile and openReadStream', async (_name, range) => {
      await ctx.fs.writeFile('f.txt', TEXT);
      const e1 = await caught(ctx.fs.readFile('f.txt', range as never));
      expect(e1).toBeInstanceOf(InvalidArgumentError);
      expect(e1.code).toBe('EINVAL');
      expect(await caught(ctx.fs.openReadStream('f.txt', range as never))).toBeInstanceOf(
        InvalidArgumentError,
      );
    });

    test('reading a missing file is ENOENT, and openReadStream rejects before streaming', async () => {
      const e = await caught(ctx.fs.readFile('nope.txt'));
      expect(e).toBeInstanceOf(FileNotFoundError);
      expect(e.code).toBe('ENOENT');
      expect(e.path).toBe('nope.txt');
      expect(await caught(ctx.fs.readFile('nope.txt', { start: 1, end: 2 }))).toBeInstanceOf(
        FileNotFoundError,
      );
      expect(await caught(ctx.fs.openReadStream('nope.txt'))).toBeInstanceOf(FileNotFoundError);
      expect(await caught(ctx.fs.stat('nope.txt'))).toBeInstanceOf(FileNotFoundError);
    });

    test('openWriteStream writes nothing visible until end(), then commits', async () => {
      await ctx.fs.writeFile('f.txt', 'old');
      const ws = await ctx.fs.openWriteStream('f.txt');
      const chunks = Array.from({ length: 50 }, (_, i) => `chunk ${i};`);
      ws.write(chunks[0]);
      await new Promise((resolve) => ws.write(chunks[1], resolve));
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('old');
      await pipeline(Readable.from(chunks.slice(2)), ws);
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe(chunks.join(''));
    });

    test('openWriteStream holds the lock; destroy() discards', async () => {
      await ctx.fs.writeFile('f.txt', 'old');
      const ws = await ctx.fs.openWriteStream('f.txt');
      await new Promise((resolve) => ws.write('partial', resolve));
      expect(await caught(ctx.fs.open('f.txt', 'w'))).toBeInstanceOf(BlockingIOError);
      expect(await caught(ctx.fs.openWriteStream('f.txt'))).toBeInstanceOf(BlockingIOError);
      const closed = new Promise((resolve) => ws.on('close', resolve));
      ws.destroy();
      await closed;
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('old');
      const again = await ctx.fs.open('f.txt', 'w');
      await again.abort();
    });

    test('a failing source in pipeline() discards the write', async () => {
      await ctx.fs.writeFile('f.txt', 'old');
      const ws = await ctx.fs.openWriteStream('f.txt');
      const failing = Readable.from(
        (async function* () {
          yield Buffer.from('some bytes');
          throw new Error('source failed');
        })(),
      );
      await expect(pipeline(failing, ws)).rejects.toThrow('source failed');
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('old');
      await (await ctx.fs.open('f.txt', 'w')).abort();
    });

    test("openWriteStream modes: 'a' appends, 'x' refuses an existing file, others are EINVAL", async () => {
      await ctx.fs.writeFile('f.txt', 'one,');
      await pipeline(
        Readable.from(['two,', 'three']),
        await ctx.fs.openWriteStream('f.txt', { mode: 'a' }),
      );
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('one,two,three');
      expect(await caught(ctx.fs.openWriteStream('f.txt', { mode: 'x' }))).toBeInstanceOf(
        FileExistsError,
      );
      expect(await caught(ctx.fs.openWriteStream('f.txt', { mode: 'r' as never }))).toBeInstanceOf(
        InvalidArgumentError,
      );
      expect(await caught(ctx.fs.openWriteStream('f.txt', { mode: 'r+' as never }))).toBeInstanceOf(
        InvalidArgumentError,
      );
      await pipeline(Readable.from(['new']), await ctx.fs.openWriteStream('g.txt', { mode: 'x' }));
      expect((await ctx.fs.readFile('g.txt')).toString()).toBe('new');
    });

    test('a read stream and a write stream pipe a file into another', async () => {
      const data = Buffer.alloc(3 * 1024 * 1024, 7);
      await ctx.fs.writeFile('src.bin', data);
      await pipeline(
        await ctx.fs.openReadStream('src.bin'),
        await ctx.fs.openWriteStream('dst.bin'),
      );
      expect((await ctx.fs.readFile('dst.bin')).equals(data)).toBe(true);
      let total = 0;
      await pipeline(
        await ctx.fs.openReadStream('src.bin', { start: 1000 }),
        new Writable({
          write(chunk: Buffer, _e, cb) {
            total += chunk.length;
            cb();
          },
        }),
      );
      expect(total).toBe(data.length - 1000);
    });
  });
}

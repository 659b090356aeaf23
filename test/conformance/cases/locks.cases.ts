import {
  BlockingIOError,
  FileClosedError,
  FileNotFoundError,
  FileSystemError,
  type FileLikeSystem,
} from '../../../lib';
import { ChildFs } from '../../support/child-fs';
import { caught, freezeEventLoop, sleep } from '../expect-error';
import type { Context } from '../target';

const WRITE_MODES = ['r+', 'w', 'w+', 'a', 'a+', 'x', 'x+'] as const;

/** DESIGN §4: locks, commit atomicity, abort, lost leases, other processes. */
export function lockCases(ctx: Context): void {
  describe('locks and commit', () => {
    test.each(WRITE_MODES)(
      'a second writer in this process gets EWOULDBLOCK while %s is open',
      async (mode) => {
        if (mode === 'r+' || mode === 'a' || mode === 'a+') await ctx.fs.writeFile('f.txt', 'old');
        const first = await ctx.fs.open(mode.startsWith('x') ? 'f.txt' : 'f.txt', mode);
        for (const second of WRITE_MODES) {
          const error = await caught(ctx.fs.open('f.txt', second));
          expect(error).toBeInstanceOf(BlockingIOError);
          expect(error.code).toBe('EWOULDBLOCK');
          expect(error.path).toBe('f.txt');
        }
        const other = await ctx.sibling();
        expect(await caught(other.open('f.txt', 'w'))).toBeInstanceOf(BlockingIOError);
        await first.abort();
        await (await ctx.fs.open('f.txt', 'w')).abort();
      },
    );

    test('readers never block and see the old content while a writer is open', async () => {
      await ctx.fs.writeFile('f.txt', 'old content');
      const w = await ctx.fs.open('f.txt', 'w');
      await w.write('new content, longer than the old');
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('old content');
      expect((await ctx.fs.readFile('f.txt', { start: 4 })).toString()).toBe('content');
      expect((await ctx.fs.stat('f.txt')).size).toBe(11);
      expect(await ctx.fs.ls()).toEqual(['f.txt']);
      const r = await ctx.fs.open('f.txt', 'r');
      expect((await r.read()).toString()).toBe('old content');
      await r.close();
      await w.close();
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('new content, longer than the old');
    });

    test('an r handle opened before a commit keeps reading the version it opened', async () => {
      const big = ctx.target.capabilities.bigFileBytes;
      for (const size of [10, big]) {
        await ctx.fs.writeFile('f.bin', Buffer.alloc(size, 'A'));
        const r = await ctx.fs.open('f.bin');
        const head = await r.read(5);
        await ctx.fs.writeFile('f.bin', Buffer.alloc(size, 'B'));
        const rest = await r.read();
        await r.close();
        expect(Buffer.concat([head, rest]).equals(Buffer.alloc(size, 'A'))).toBe(true);
        expect((await ctx.fs.readFile('f.bin')).equals(Buffer.alloc(size, 'B'))).toBe(true);
      }
    });

    test('a read stream started before a commit streams the version it started on', async () => {
      const size = ctx.target.capabilities.bigFileBytes;
      await ctx.fs.writeFile('f.bin', Buffer.alloc(size, 'A'));
      const stream = await ctx.fs.openReadStream('f.bin');
      const chunks: Buffer[] = [];
      let committed = false;
      for await (const chunk of stream) {
        chunks.push(chunk as Buffer);
        if (!committed) {
          committed = true;
          await ctx.fs.writeFile('f.bin', Buffer.alloc(size, 'B'));
        }
      }
      expect(Buffer.concat(chunks).equals(Buffer.alloc(size, 'A'))).toBe(true);
    });

    test('a new file is invisible until its writer closes', async () => {
      const w = await ctx.fs.open('new.txt', 'x');
      await w.write('data');
      expect(await ctx.fs.exists('new.txt')).toBe(false);
      expect(await ctx.fs.ls()).toEqual([]);
      expect(await caught(ctx.fs.readFile('new.txt'))).toBeInstanceOf(FileNotFoundError);
      await w.close();
      expect(await ctx.fs.ls()).toEqual(['new.txt']);
    });

    test('abort() discards every write and frees the lock', async () => {
      await ctx.fs.writeFile('f.txt', 'old');
      for (const mode of WRITE_MODES.filter((m) => !m.startsWith('x'))) {
        const f = await ctx.fs.open('f.txt', mode);
        await f.write('garbage');
        await f.truncate(1);
        await f.abort();
        expect((await ctx.fs.readFile('f.txt')).toString()).toBe('old');
      }
      const x = await ctx.fs.open('new.txt', 'x');
      await x.write('never');
      await x.abort();
      expect(await ctx.fs.ls()).toEqual(['f.txt']);
    });

    test('a new file aborted after a large write can be created at once, by any mode', async () => {
      const big = ctx.target.capabilities.bigFileBytes;
      for (const mode of ['x', 'w'] as const) {
        const w = await ctx.fs.open('fresh.bin', mode);
        await w.write(Buffer.alloc(big, 'a')); // past the backend's chunk: data already staged
        await w.abort();
        expect(await ctx.fs.exists('fresh.bin')).toBe(false);
        await ctx.fs.writeFile('fresh.bin', 'small', { exclusive: true });
        expect((await ctx.fs.readFile('fresh.bin')).toString()).toBe('small');
        await ctx.fs.rm('fresh.bin');
        const x = await ctx.fs.open('fresh.bin', 'x');
        await x.write(Buffer.alloc(big, 'b'));
        await x.close();
        expect((await ctx.fs.stat('fresh.bin')).size).toBe(big);
        await ctx.fs.rm('fresh.bin');
      }
    });

    test('an exception out of open(path, mode, body) discards and rethrows', async () => {
      await ctx.fs.writeFile('f.txt', 'old');
      const boom = new Error('boom');
      await expect(
        ctx.fs.open('f.txt', 'w', async (f) => {
          await f.write('half-written');
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('old');
      await expect(ctx.fs.open('g.txt', 'x', async () => Promise.reject(boom))).rejects.toBe(boom);
      expect(await ctx.fs.exists('g.txt')).toBe(false);
      await ctx.fs.writeFile('f.txt', 'unlocked again');
    });

    test('lockTimeoutMs waits for the holder to close', async () => {
      await ctx.fs.writeFile('f.txt', 'v0');
      const first = await ctx.fs.open('f.txt', 'w');
      await first.write('v1');
      const released = sleep(300).then(() => first.close());
      const started = Date.now();
      const second = await ctx.fs.open('f.txt', 'r+', { lockTimeoutMs: 10_000 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      await released;
      expect((await second.read()).toString()).toBe('v1');
      await second.write('+v2');
      await second.close();
      expect((await ctx.fs.readFile('f.txt')).toString()).toBe('v1+v2');
    });

    test('lockTimeoutMs gives up with EWOULDBLOCK after waiting', async () => {
      const first = await ctx.fs.open('f.txt', 'w');
      const started = Date.now();
      const error = await caught(ctx.fs.open('f.txt', 'w', { lockTimeoutMs: 400 }));
      expect(error).toBeInstanceOf(BlockingIOError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
      await first.abort();
    });

    test.each([-1, 1.5, 'soon'])('lockTimeoutMs %p is EINVAL and takes no lock', async (value) => {
      const error = await caught(ctx.fs.open('f.txt', 'w', { lockTimeoutMs: value as never }));
      expect(error.code).toBe('EINVAL');
      await (await ctx.fs.open('f.txt', 'w')).abort();
      expect(await ctx.fs.ls()).toEqual([]);
    });

    test('writeFile, rm, mv and cp onto a locked path get EWOULDBLOCK and change nothing', async () => {
      await ctx.fs.writeFile('locked.txt', 'old');
      await ctx.fs.writeFile('free.txt', 'free');
      const w = await ctx.fs.open('locked.txt', 'r+');
      for (const action of [
        () => ctx.fs.writeFile('locked.txt', 'x'),
        () => ctx.fs.writeFile('locked.txt', 'x', { exclusive: true }),
        () => ctx.fs.rm('locked.txt'),
        () => ctx.fs.mv('free.txt', 'locked.txt'),
        () => ctx.fs.mv('locked.txt', 'elsewhere.txt'),
        () => ctx.fs.cp('free.txt', 'locked.txt'),
        () => ctx.fs.cp('locked.txt', 'elsewhere.txt'),
      ]) {
        const error = await caught(action);
        expect(error).toBeInstanceOf(BlockingIOError);
        expect(error.path).toBe('locked.txt');
      }
      await w.close();
      expect(await ctx.fs.ls()).toEqual(['free.txt', 'locked.txt']);
      expect((await ctx.fs.readFile('locked.txt')).toString()).toBe('old');
      expect((await ctx.fs.readFile('free.txt')).toString()).toBe('free');
    });

    test('a handle whose lease was lost refuses to commit; the file keeps the last committed content', async () => {
      const ttl = Math.max(ctx.target.capabilities.minLockTtlMs, 400);
      const { fs, options } = await ctx.fresh({ lockTtlMs: ttl });
      const other: FileLikeSystem = ctx.target.capabilities.sharedStore
        ? await ctx.sibling({ ...options, lockTtlMs: ttl })
        : fs;
      await fs.writeFile('f.txt', 'committed');
      const slow = await fs.open('f.txt', 'w');
      await slow.write('from the slow writer');
      // No renewal can run: the lease expires (on a coarse server clock, a grain or two later).
      freezeEventLoop(ttl + 700 + 2 * (ctx.target.capabilities.lockClockGrainMs ?? 0));
      const fast = await other.open('f.txt', 'w'); // the path is free again
      await fast.write('from the next writer');
      await fast.close();
      const error = await caught(slow.close());
      expect(error).toBeInstanceOf(BlockingIOError);
      expect(error.message).toMatch(/lost/);
      expect((await fs.readFile('f.txt')).toString()).toBe('from the next writer');
    });

    test('a lease lost with nobody else waiting still refuses to commit', async () => {
      const ttl = Math.max(ctx.target.capabilities.minLockTtlMs, 400);
      const { fs } = await ctx.fresh({ lockTtlMs: ttl });
      await fs.writeFile('f.txt', 'committed');
      const slow = await fs.open('f.txt', 'r+');
      await slow.write('X');
      freezeEventLoop(ttl + 700);
      expect(await caught(slow.close())).toBeInstanceOf(BlockingIOError);
      expect((await fs.readFile('f.txt')).toString()).toBe('committed');
      await (await fs.open('f.txt', 'w')).abort();
    });

    test('a lease is renewed while the handle is open', async () => {
      const ttl = Math.max(ctx.target.capabilities.minLockTtlMs, 400);
      const { fs } = await ctx.fresh({ lockTtlMs: ttl });
      const w = await fs.open('f.txt', 'w');
      await w.write('kept');
      await sleep(ttl * 2.5);
      expect(await caught(fs.open('f.txt', 'w'))).toBeInstanceOf(BlockingIOError);
      await w.close();
      expect((await fs.readFile('f.txt')).toString()).toBe('kept');
    }, 120_000);

    test('cp and mv of a locked path onto itself get EWOULDBLOCK', async () => {
      await ctx.fs.writeFile('a.txt', 'A');
      const w = await ctx.fs.open('a.txt', 'r+');
      for (const action of [
        () => ctx.fs.cp('a.txt', 'a.txt'),
        () => ctx.fs.mv('/a.txt', 'a.txt'),
      ]) {
        expect(await caught(action)).toBeInstanceOf(BlockingIOError);
      }
      await w.close();
      await ctx.fs.cp('a.txt', 'a.txt');
      expect((await ctx.fs.readFile('a.txt')).toString()).toBe('A');
    });

    test('after its file system closed, close() of an open writer rejects: nothing was committed', async () => {
      const { fs, options } = await ctx.fresh();
      await fs.writeFile('f.txt', 'old');
      const w = await fs.open('f.txt', 'w');
      await w.write('new');
      const reader = await fs.open('f.txt', 'r');
      await fs.close();
      const error = await caught(w.close());
      expect(error).toBeInstanceOf(FileClosedError);
      expect(error.message).toMatch(/nothing was committed/);
      await reader.close(); // a reader has nothing to commit
      await w.abort();
      if (ctx.target.capabilities.sharedStore) {
        expect((await (await ctx.sibling(options)).readFile('f.txt')).toString()).toBe('old');
      }
    });

    test('a writeFile racing the close of its file system either commits or rejects, never both', async () => {
      const { fs, options } = await ctx.fresh();
      const data = Buffer.alloc(4 * 1024 * 1024, 'n');
      const writing = fs.writeFile('f.bin', data).then(
        () => 'resolved',
        (error: Error) => error,
      );
      await fs.close();
      const outcome = await writing;
      if (outcome !== 'resolved') expect(outcome).toBeInstanceOf(FileSystemError);
      if (ctx.target.capabilities.sharedStore) {
        const other = await ctx.sibling(options);
        if (outcome === 'resolved') expect((await other.readFile('f.bin')).equals(data)).toBe(true);
        else expect(await other.exists('f.bin')).toBe(false);
      }
    });

    test('closing the file system aborts its open handles and frees their locks', async () => {
      const { fs, options } = await ctx.fresh();
      await fs.writeFile('f.txt', 'old');
      const w = await fs.open('f.txt', 'w');
      await w.write('new');
      await fs.close();
      expect(w.closed).toBe(true);
      expect((await caught(fs.readFile('f.txt'))).code).toBe('EBADF');
      if (ctx.target.capabilities.sharedStore) {
        const again = await ctx.sibling(options);
        expect((await again.readFile('f.txt')).toString()).toBe('old');
        await (await again.open('f.txt', 'w')).abort();
      }
    });

    // Only stores that other processes can open have these cases (memory is one process's own).
    if (ctx.target.capabilities.crossProcess)
      describe('across OS processes', () => {
        let child: ChildFs | undefined;
        afterEach(async () => {
          await child?.exit();
          child = undefined;
        });

        test('a writer in another process blocks ours, and ours blocks it', async () => {
          await ctx.fs.writeFile('f.txt', 'old');
          child = await ChildFs.start(ctx.options);
          await child.open('f.txt', 'w');
          await child.write('from the child');
          const error = await caught(ctx.fs.open('f.txt', 'r+'));
          expect(error).toBeInstanceOf(BlockingIOError);
          expect(await caught(ctx.fs.writeFile('f.txt', 'x'))).toBeInstanceOf(BlockingIOError);
          expect((await ctx.fs.readFile('f.txt')).toString()).toBe('old');
          await child.close();
          expect((await ctx.fs.readFile('f.txt')).toString()).toBe('from the child');

          const mine = await ctx.fs.open('f.txt', 'a');
          const remote = await caught(child.open('f.txt', 'w'));
          expect(
            (remote as unknown as { remote: { name: string; code: string } }).remote,
          ).toMatchObject({
            name: 'BlockingIOError',
            code: 'EWOULDBLOCK',
          });
          await mine.write('+parent');
          await mine.close();
          expect((await ctx.fs.readFile('f.txt')).toString()).toBe('from the child+parent');
        }, 60_000);

        test('lockTimeoutMs waits for a writer in another process', async () => {
          child = await ChildFs.start(ctx.options);
          await child.open('f.txt', 'x');
          await child.write('child');
          const c = child;
          const closing = sleep(500).then(() => c.close());
          const f = await ctx.fs.open('f.txt', 'r+', { lockTimeoutMs: 15_000 });
          await closing;
          expect((await f.read()).toString()).toBe('child');
          await f.close();
        }, 60_000);

        test('a killed holder frees the path within one lease', async () => {
          const ttl = Math.max(ctx.target.capabilities.minLockTtlMs, 1000);
          const options = { ...ctx.options, lockTtlMs: ttl };
          await ctx.fs.writeFile('f.txt', 'old');
          child = await ChildFs.start(options);
          await child.open('f.txt', 'w');
          await child.write('never committed');
          const killedAt = Date.now();
          child.kill('SIGKILL');
          const f = await ctx.fs.open('f.txt', 'r+', { lockTimeoutMs: ttl + 5000 });
          expect(Date.now() - killedAt).toBeLessThanOrEqual(ttl + 1500);
          expect((await f.read()).toString()).toBe('old');
          await f.close();
          expect(await ctx.fs.ls()).toEqual(['f.txt']);
        }, 120_000);
      });
  });
}

import type { FileStat } from '../../../lib';
import type { Context } from '../target';

/** Version `i`'s content: its own bytes and its own size, so a body tells which version it is. */
function version(i: number): Buffer {
  return Buffer.from(`v${i};`.repeat(1 + (i % 7)));
}

/** DESIGN §2: an `r` handle's stat() is the stat of the one version it reads. */
export function versionCases(ctx: Context): void {
  describe('the version an r handle reads', () => {
    test("stat() is the file's stat when it opened, whatever commits after", async () => {
      const big = ctx.target.capabilities.bigFileBytes;
      for (const size of [0, 10, big]) {
        const old = Buffer.alloc(size, 'A');
        await ctx.fs.writeFile('f.bin', old);
        const before = await ctx.fs.stat('f.bin');
        const r = await ctx.fs.open('f.bin');
        expect(r.stat()).toEqual(before);
        await ctx.fs.writeFile('f.bin', Buffer.alloc(size + 3, 'B'));
        const after = await ctx.fs.stat('f.bin');
        expect(after.size).toBe(size + 3);
        if (before.etag !== undefined) expect(after.etag).not.toBe(before.etag);
        expect(r.stat()).toEqual(before);
        expect((await r.read()).equals(old)).toBe(true);
        await r.close();
        expect(r.stat()).toEqual(before); // no I/O: still there after close
      }
    });

    test('stat() hands out a copy: changing it changes nothing', async () => {
      await ctx.fs.writeFile('f.txt', 'abc');
      const r = await ctx.fs.open('f.txt');
      const stat = r.stat();
      stat.size = 99;
      stat.modifiedAt?.setTime(0);
      expect(r.stat()).toEqual(await ctx.fs.stat('f.txt'));
      await r.close();
    });

    test("a writer's stat() is its uncommitted size, without validators", async () => {
      await ctx.fs.writeFile('f.txt', '0123456789');
      const a = await ctx.fs.open('f.txt', 'a');
      expect(a.stat()).toEqual({ path: 'f.txt', size: 10 });
      await a.write('xyz');
      expect(a.stat()).toEqual({ path: 'f.txt', size: 13 });
      await a.close();
      const w = await ctx.fs.open('new.txt', 'w');
      await w.write('ab');
      expect(w.stat()).toEqual({ path: 'new.txt', size: 2 });
      await w.abort();
    });

    test('under concurrent commits, every handle’s validators describe the bytes it read', async () => {
      const etags = new Map<string, number>(); // etag → version, from stat() after each commit
      let i = 0;
      let stop = false;
      await ctx.fs.writeFile('race.txt', version(0));
      etags.set((await ctx.fs.stat('race.txt')).etag ?? '', 0);
      const writer = (async () => {
        while (!stop) {
          const next = ++i;
          await ctx.fs.writeFile('race.txt', version(next));
          // one writer: nothing else commits between this writeFile and this stat
          etags.set((await ctx.fs.stat('race.txt')).etag ?? '', next);
        }
      })();
      const seen: Array<{ stat: FileStat; body: Buffer }> = [];
      const until = Date.now() + 2000;
      while (Date.now() < until || seen.length < 20) {
        const r = await ctx.fs.open('race.txt');
        const stat = r.stat();
        const body = await r.read();
        await r.close();
        seen.push({ stat, body });
      }
      stop = true;
      await writer;
      const bodyVersion = (body: Buffer) => Number(/^v(\d+);/.exec(body.toString())![1]);
      let mismatches = 0;
      for (const { stat, body } of seen) {
        expect(stat.size).toBe(body.length);
        expect(body.equals(version(bodyVersion(body)))).toBe(true);
        if (stat.etag !== undefined && etags.get(stat.etag) !== bodyVersion(body)) mismatches++;
      }
      expect(mismatches).toBe(0);
      // the race was real: the reads saw several versions
      expect(new Set(seen.map(({ body }) => bodyVersion(body))).size).toBeGreaterThan(2);
    }, 30_000);
  });
}

import { Agent, request as httpRequest } from 'node:http';
import type { E2EContext } from '../sample.e2e';
import { send } from '../http-client';
import { recordFigure } from '../../support/figures';

/** Version `i`: its own bytes and its own size, so a body tells which version it is. */
function version(i: number): Buffer {
  return Buffer.from(`v${i};`.repeat(20 + (i % 50)));
}
const versionOf = (body: Buffer) => Number(/^v(\d+);/.exec(body.toString())?.[1] ?? -1);

/** Concurrent writers, and readers racing commits. */
export function raceCases(ctx: E2EContext): void {
  describe('races', () => {
    test('two concurrent PUTs to one path: one wins, the other gets 423 with Retry-After', async () => {
      const first = httpRequest({
        port: ctx.port,
        host: '127.0.0.1',
        method: 'PUT',
        path: '/files/race.txt',
      });
      const firstDone = new Promise<number>((resolve, reject) => {
        first.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        first.on('error', reject);
      });
      // More than the socket buffers hold: 'drain' means the server is consuming the body, which
      // it does only once the upload holds the lock.
      const partOne = Buffer.alloc(16 * 1024 * 1024, 'a');
      if (!first.write(partOne)) await new Promise((resolve) => first.once('drain', resolve));
      const second = await ctx.http().put('/files/race.txt').send('second');
      expect(second.status).toBe(423);
      expect(second.headers['retry-after']).toBe('1');
      expect(second.body).toMatchObject({ status: 423, code: 'EWOULDBLOCK', path: 'race.txt' });
      first.end('part two');
      expect(await firstDone).toBe(201);
      const stored = (await ctx.get('/files/race.txt')).body as Buffer;
      expect(stored.length).toBe(partOne.length + 'part two'.length);
      expect(stored.subarray(partOne.length).toString()).toBe('part two');
    });

    test('concurrent writers: each is committed whole or refused; the file is one of them', async () => {
      for (let round = 0; round < 5; round++) {
        const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(256 * 1024 + i, 65 + i));
        const replies = await Promise.all(
          bodies.map((body) => send(ctx.port, 'PUT', '/files/contended.bin', { body })),
        );
        const won = replies.flatMap((r, i) => ([200, 201].includes(r.status) ? [bodies[i]] : []));
        for (const r of replies) expect([200, 201, 423]).toContain(r.status);
        expect(won.length).toBeGreaterThan(0);
        const stored = (await ctx.get('/files/contended.bin')).body as Buffer;
        expect(won.some((body) => body.equals(stored))).toBe(true);
      }
    });

    test('concurrent create-only PUTs (If-None-Match: *): exactly one creates the file', async () => {
      for (let round = 0; round < 5; round++) {
        const path = `/files/once-${round}.txt`;
        const replies = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            send(ctx.port, 'PUT', path, { headers: { 'If-None-Match': '*' }, body: `w${i}` }),
          ),
        );
        const statuses = replies.map((r) => r.status);
        expect(statuses.filter((s) => s === 201)).toHaveLength(1);
        for (const s of statuses) expect([201, 412, 423]).toContain(s);
        const winner = replies.findIndex((r) => r.status === 201);
        expect((await ctx.get(path)).body.toString()).toBe(`w${winner}`);
      }
    });

    test('validators describe the body sent: 0 mismatches in thousands of GETs under commits', async () => {
      const etags = new Map<string, number>();
      await ctx.fs.writeFile('hot.txt', version(0));
      etags.set((await ctx.fs.stat('hot.txt')).etag ?? '', 0);
      let stop = false;
      let commits = 0;
      const writer = (async () => {
        for (let i = 1; !stop; i++) {
          await ctx.fs.writeFile('hot.txt', version(i));
          // one writer: nothing else commits between its writeFile and its stat
          etags.set((await ctx.fs.stat('hot.txt')).etag ?? '', i);
          commits = i;
          // the memory backend never waits for I/O: let the server's sockets have their turn
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      const seen: Array<{ etag?: string; range?: string; length: string; body: Buffer }> = [];
      const target = 2000;
      const until = Date.now() + 90_000;
      const reader = async (n: number) => {
        for (let i = 0; seen.length < target && Date.now() < until; i++) {
          const ranged = (i + n) % 4 === 0;
          const reply = await new Promise<{
            status: number;
            headers: Record<string, string | string[] | undefined>;
            body: Buffer;
          }>((resolve, reject) => {
            const req = httpRequest(
              {
                host: '127.0.0.1',
                port: ctx.port,
                path: '/files/hot.txt',
                agent,
                headers: ranged ? { Range: 'bytes=0-3' } : {},
              },
              (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (c: Buffer) => chunks.push(c));
                res.on('end', () =>
                  resolve({
                    status: res.statusCode!,
                    headers: res.headers,
                    body: Buffer.concat(chunks),
                  }),
                );
              },
            );
            req.on('error', reject);
            req.end();
          });
          expect(reply.status).toBe(ranged ? 206 : 200);
          seen.push({
            etag: reply.headers.etag as string | undefined,
            range: reply.headers['content-range'] as string | undefined,
            length: reply.headers['content-length'] as string,
            body: reply.body,
          });
        }
      };
      try {
        await Promise.all(Array.from({ length: 8 }, (_, n) => reader(n)));
      } finally {
        stop = true;
        await writer;
        agent.destroy();
      }
      let mismatches = 0;
      const versionsSeen = new Set<number>();
      for (const { etag, range, length, body } of seen) {
        expect(Number(length)).toBe(body.length);
        let v: number;
        if (range) {
          // a range: its total size must be the size of the version its ETag names
          expect(body.toString()).toMatch(/^v\d/);
          const total = Number(/\/(\d+)$/.exec(range)![1]);
          v = etag !== undefined ? (etags.get(etag) ?? -1) : -1;
          if (etag !== undefined && version(v).length !== total) mismatches++;
          continue;
        }
        v = versionOf(body);
        versionsSeen.add(v);
        expect(body.equals(version(v))).toBe(true);
        if (ctx.target.validators && etags.get(etag!) !== v) mismatches++;
      }
      recordFigure(
        `${ctx.target.name}: ${seen.length} GETs while ${commits} versions were committed; ${versionsSeen.size} versions seen; ${mismatches} validator mismatches`,
      );
      expect(seen.length).toBeGreaterThanOrEqual(target);
      expect(mismatches).toBe(0);
      expect(versionsSeen.size).toBeGreaterThan(5); // the commits really raced the reads
    }, 120_000);
  });
}

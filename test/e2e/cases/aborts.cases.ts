import type { E2EContext } from '../sample.e2e';
import { abortDownload, abortUpload, getThenClose, multipart } from '../http-client';
import { recordFigure } from '../../support/figures';

const MiB = 1024 * 1024;

/** Retries `check` until it passes or `ms` run out (the server notices a cut connection a bit later). */
async function eventually(check: () => Promise<void>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Clients that go away: nothing committed, nothing left behind, nothing logged as an error. */
export function abortCases(ctx: E2EContext): void {
  describe('clients that go away', () => {
    const nothingLeft = async () => {
      if (ctx.target.leftovers) expect(await ctx.target.leftovers(ctx.env)).toEqual([]);
    };
    /** The lock is free again: a plain upload goes through. */
    const lockFree = async (path: string) =>
      eventually(async () => {
        const res = await ctx.http().put(`/files/${path}`).send('after');
        if (res.status === 423) recordFigure(`${path} still locked: ${JSON.stringify(res.body)}`);
        expect([200, 201]).toContain(res.status);
      });

    test.each([
      ['a raw PUT', 'PUT'],
      ['a multipart POST', 'POST'],
    ])('%s cut off mid-body commits nothing and leaves no temp data', async (_name, method) => {
      await ctx.fs.writeFile('kept.bin', 'old content');
      for (const path of ['kept.bin', 'new.bin']) {
        const form = multipart('file', path, Buffer.alloc(0));
        await abortUpload(ctx.port, method, `/files/${path}`, {
          head: method === 'POST' ? form.head : undefined,
          headers: method === 'POST' ? { 'Content-Type': form.contentType } : undefined,
          filler: 8 * MiB,
          declared: 64 * MiB,
        });
        await eventually(nothingLeft);
      }
      expect((await ctx.get('/files/kept.bin')).body.toString()).toBe('old content');
      expect((await ctx.http().get('/files/new.bin')).status).toBe(404);
      expect(await ctx.fs.ls()).toEqual(['kept.bin']);
      if (ctx.target.uncommittedBlocks) {
        // the service's own, not aiofs's: dropped at the blob's next commit or after 7 days
        const staged = await ctx.target.uncommittedBlocks(ctx.env);
        recordFigure(
          `${ctx.target.name}: staged blocks after the cut uploads: ${staged.join(', ') || 'none'}`,
        );
      }
      // the paths take new uploads at once (on Azure, a new file's staged blocks made Azurite refuse
      // its next create-only commit as a lost lock until aiofs deleted them on abort)
      await lockFree('kept.bin');
      await lockFree('new.bin');
      await nothingLeft();
    });

    test('a download cut off mid-body closes its handle (no snapshot or descriptor kept)', async () => {
      await ctx.fs.writeFile('big.bin', Buffer.alloc(8 * MiB, 'b'));
      for (let i = 0; i < 3; i++) {
        const got = await abortDownload(ctx.port, '/files/big.bin', 64 * 1024);
        expect(got).toBeGreaterThanOrEqual(64 * 1024);
      }
      await eventually(nothingLeft);
      // nothing holds the file: it is replaced and removed at once
      await ctx.http().put('/files/big.bin').send('small').expect(200);
      await ctx.http().delete('/files/big.bin').expect(204);
    });

    test('a client that closes the moment it has every byte: nothing logged (no premature close)', async () => {
      const data = Buffer.alloc(3 * MiB, 'c'); // larger than Redis's direct reads: a snapshot
      await ctx.fs.writeFile('whole.bin', data);
      for (let i = 0; i < 20; i++) {
        const reply = await getThenClose(ctx.port, '/files/whole.bin');
        expect(reply.status).toBe(200);
        expect(reply.body.equals(data)).toBe(true);
      }
      await eventually(nothingLeft);
    });
  });
}

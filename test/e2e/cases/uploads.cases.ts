import { randomBytes } from 'node:crypto';
import type { E2EContext } from '../sample.e2e';
import { multipart, send } from '../http-client';

/** PUT (raw body) and POST (multipart/form-data) uploads. */
export function uploadCases(ctx: E2EContext): void {
  describe('uploads', () => {
    test('a form-encoded body is stored as sent (no body parser)', async () => {
      await ctx
        .http()
        .put('/files/form.txt')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('a=1&b=2')
        .expect(201);
      expect((await ctx.get('/files/form.txt')).body.toString()).toBe('a=1&b=2');
    });

    test('If-None-Match: * creates only: 412 when the file exists, which keeps its content', async () => {
      const created = await ctx
        .http()
        .put('/files/once.txt')
        .set('If-None-Match', '*')
        .send('first');
      expect(created.status).toBe(201);
      // no ETag: Express's of the JSON answer would pose as the file's (RFC 9110 §9.3.4)
      expect(created.headers.etag).toBeUndefined();
      const res = await ctx.http().put('/files/once.txt').set('If-None-Match', '*').send('second');
      expect(res.status).toBe(412);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: 'about:blank',
        title: 'Precondition Failed',
        status: 412,
        code: 'EPRECONDITION',
        path: 'once.txt',
      });
      expect((await ctx.get('/files/once.txt')).body.toString()).toBe('first');
    });

    test('If-Match: * needs the file; If-Match with another tag is 412; nothing is written', async () => {
      const missing = await ctx.http().put('/files/m.txt').set('If-Match', '*').send('x');
      expect(missing.status).toBe(412);
      expect(await ctx.fs.exists('m.txt')).toBe(false);
      await ctx.fs.writeFile('m.txt', 'v1');
      await ctx.http().put('/files/m.txt').set('If-Match', '*').send('v2').expect(200);
      const stale = await ctx.http().put('/files/m.txt').set('If-Match', '"stale"').send('v3');
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({ status: 412, code: 'EPRECONDITION', path: 'm.txt' });
      expect((await ctx.get('/files/m.txt')).body.toString()).toBe('v2');
    });

    if (ctx.target.validators) {
      test('If-Match with the current ETag replaces; with the one before, 412 (no lost update)', async () => {
        await ctx.fs.writeFile('doc.txt', 'v1');
        const v1 = (await ctx.get('/files/doc.txt')).headers.etag;
        await ctx.http().put('/files/doc.txt').set('If-Match', v1).send('v2').expect(200);
        // a second client still holding v1's ETag cannot overwrite v2
        const late = await ctx.http().put('/files/doc.txt').set('If-Match', v1).send('v2-other');
        expect(late.status).toBe(412);
        expect((await ctx.get('/files/doc.txt')).body.toString()).toBe('v2');
        const v2 = (await ctx.get('/files/doc.txt')).headers.etag;
        expect(v2).not.toBe(v1);
        await ctx.http().put('/files/doc.txt').set('If-Match', `W/${v2}`).send('weak').expect(412);
        const unmodified = await ctx
          .http()
          .put('/files/doc.txt')
          .set('If-Unmodified-Since', 'Thu, 01 Jan 2015 00:00:00 GMT')
          .send('old');
        expect(unmodified.status).toBe(412);
        await ctx.http().put('/files/doc.txt').set('If-None-Match', v2).send('x').expect(412);
        expect((await ctx.get('/files/doc.txt')).body.toString()).toBe('v2');
      });
    }

    test('a locked file: PUT, form upload and DELETE answer 423 with Retry-After, and change nothing', async () => {
      await ctx.fs.writeFile('busy.txt', 'old');
      const writer = await ctx.fs.open('busy.txt', 'r+');
      const form = multipart('file', 'busy.txt', Buffer.from('form'));
      const answers = [
        await ctx.http().put('/files/busy.txt').send('put'),
        await ctx
          .http()
          .post('/files/busy.txt')
          .set('Content-Type', form.contentType)
          .send(form.body),
        await ctx.http().delete('/files/busy.txt'),
      ];
      for (const res of answers) {
        expect(res.status).toBe(423);
        expect(res.headers['retry-after']).toBe('1');
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ status: 423, code: 'EWOULDBLOCK', path: 'busy.txt' });
      }
      await writer.abort();
      expect((await ctx.get('/files/busy.txt')).body.toString()).toBe('old');
    });

    test('a multipart form upload streams the file part: 201 new, 200 replaced, byte for byte', async () => {
      const boundary = 'XyZ';
      // CRLFs and dashes in the data come back untouched (a client picks a boundary that the data
      // does not hold after a CRLF)
      const data = Buffer.concat([
        Buffer.from(`\r\n-- XyZ\r\n--\r\n\r\n`),
        randomBytes(2 * 1024 * 1024),
        Buffer.from('\r\n-'),
      ]);
      const form = multipart('file', 'original-name.bin', data, boundary);
      const res = await ctx
        .http()
        .post('/files/up/photo.bin')
        .set('Content-Type', form.contentType)
        .send(form.body);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ path: 'up/photo.bin', size: data.length });
      expect(res.headers.etag).toBeUndefined(); // no validator that is not the file's (§9.3.4)
      expect(Buffer.compare((await ctx.get('/files/up/photo.bin')).body, data)).toBe(0);
      const again = multipart('file', 'x', Buffer.from('second'));
      const replaced = await send(ctx.port, 'POST', '/files/up/photo.bin', {
        headers: { 'Content-Type': again.contentType },
        body: again.body,
      });
      expect(replaced.status).toBe(200);
      expect((await ctx.get('/files/up/photo.bin')).body.toString()).toBe('second');
      // curl -F builds the same request
      const viaAttach = await ctx
        .http()
        .post('/files/up/attached.txt')
        .attach('file', Buffer.from('attached'), 'a.txt');
      expect(viaAttach.status).toBe(201);
      expect((await ctx.get('/files/up/attached.txt')).body.toString()).toBe('attached');
    });

    test.each<[string, () => { type: string; body: Buffer | string }]>([
      [
        'no file part',
        () => {
          const b = 'B';
          return {
            type: `multipart/form-data; boundary=${b}`,
            body: `--${b}\r\nContent-Disposition: form-data; name="other"\r\n\r\nvalue\r\n--${b}--\r\n`,
          };
        },
      ],
      [
        'a part under another name',
        () => {
          const f = multipart('notfile', 'x.txt', Buffer.from('x'));
          return { type: f.contentType, body: f.body };
        },
      ],
      ['not multipart', () => ({ type: 'application/octet-stream', body: 'raw' })],
    ])('a form upload with %s is 400 and writes nothing', async (_name, make) => {
      const { type, body } = make();
      const res = await ctx.http().post('/files/f.txt').set('Content-Type', type).send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await ctx.fs.ls()).toEqual([]);
    });
  });
}

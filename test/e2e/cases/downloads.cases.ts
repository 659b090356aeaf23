import { randomBytes } from 'node:crypto';
import { create as contentDisposition } from 'content-disposition';
import type { E2EContext } from '../sample.e2e';

const url = (path: string) => `/files/${path.split('/').map(encodeURIComponent).join('/')}`;

/** GET and HEAD: RFC 9110 ranges, conditions and representation headers, over real HTTP. */
export function downloadCases(ctx: E2EContext): void {
  describe('downloads', () => {
    test('binary data goes up and comes back byte for byte', async () => {
      const data = Buffer.concat([
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        randomBytes(3 * 1024 * 1024),
      ]);
      const put = await ctx
        .http()
        .put('/files/dir/blob.bin')
        .set('Content-Type', 'application/octet-stream')
        .send(data);
      expect(put.status).toBe(201);
      expect(put.body).toEqual({ path: 'dir/blob.bin', size: data.length });
      const res = await ctx.get('/files/dir/blob.bin');
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe(String(data.length));
      expect(Buffer.compare(res.body as Buffer, data)).toBe(0);
      const again = await ctx.http().put('/files/dir/blob.bin').send(Buffer.from('replaced'));
      expect(again.status).toBe(200);
      expect((await ctx.get('/files/dir/blob.bin')).body.toString()).toBe('replaced');
    });

    test.each<[string, string]>([
      ['notes.txt', 'text/plain'],
      ['data.json', 'application/json'],
      ['photo.JPG', 'image/jpeg'],
      ['page.html', 'text/html'],
      ['archive.tar.gz', 'application/gzip'],
      ['blob.unknownext', 'application/octet-stream'],
      ['noext', 'application/octet-stream'],
      ['公司/合作协议.doc', 'application/msword'],
      ['quote"and\'apos;.txt', 'text/plain'],
      ['space name %41.txt', 'text/plain'],
    ])('GET %p: Content-Type %p, an attachment by its name, nosniff', async (path, type) => {
      await ctx.fs.writeFile(path, 'content');
      const res = await ctx.get(url(path));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(type);
      const name = path.slice(path.lastIndexOf('/') + 1);
      expect(res.headers['content-disposition']).toBe(contentDisposition(name));
      if (/[^\x20-\x7e]/.test(name)) {
        // RFC 6266/5987: the UTF-8 name in filename*, an ASCII fallback in filename
        expect(res.headers['content-disposition']).toContain(
          `filename*=UTF-8''${encodeURIComponent(name)}`,
        );
      }
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body.toString()).toBe('content');
    });

    test('validators where the backend keeps them, the same on GET and HEAD', async () => {
      await ctx.fs.writeFile('h.txt', '0123456789');
      const stat = await ctx.fs.stat('h.txt');
      const res = await ctx.get('/files/h.txt');
      expect(res.headers.etag).toBe(stat.etag);
      expect(res.headers['last-modified']).toBe(stat.modifiedAt?.toUTCString());
      if (ctx.target.validators) {
        expect(res.headers.etag).toMatch(/^"[^"]+"$/);
        expect(new Date(res.headers['last-modified']).getTime()).toBeGreaterThan(0);
      }
      const head = await ctx.http().head('/files/h.txt');
      expect(head.status).toBe(200);
      for (const name of [
        'etag',
        'last-modified',
        'content-type',
        'content-length',
        'content-disposition',
        'accept-ranges',
        'cache-control',
      ]) {
        expect(head.headers[name]).toBe(res.headers[name]);
      }
      expect(head.text ?? '').toBe('');
    });

    test('HEAD ignores Range (it is for GET only) and sends no body; a missing file is 404', async () => {
      await ctx.fs.writeFile('h.txt', '0123456789');
      const head = await ctx.http().head('/files/h.txt').set('Range', 'bytes=0-1');
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe('10');
      expect(head.headers['content-range']).toBeUndefined();
      const missing = await ctx.http().head('/files/missing.txt');
      expect(missing.status).toBe(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    test.each<[string, number, string | undefined, string]>([
      ['bytes=0-4', 206, 'bytes 0-4/10', '01234'],
      ['bytes=5-', 206, 'bytes 5-9/10', '56789'],
      ['bytes=-3', 206, 'bytes 7-9/10', '789'],
      ['bytes=8-100', 206, 'bytes 8-9/10', '89'],
      ['bytes=9-9', 206, 'bytes 9-9/10', '9'],
      ['bytes=-100', 206, 'bytes 0-9/10', '0123456789'],
      ['bytes=0-4,3-6', 206, 'bytes 0-6/10', '0123456'],
      ['Bytes=2-3', 206, 'bytes 2-3/10', '23'],
      ['bytes=0-1,4-5', 200, undefined, '0123456789'],
      ['bytes=0-0,-1', 200, undefined, '0123456789'],
      ['items=0-1', 200, undefined, '0123456789'],
      ['bytes=abc', 200, undefined, '0123456789'],
      ['bytes=5-2', 200, undefined, '0123456789'],
    ])('Range %s → %i', async (range, status, contentRange, body) => {
      await ctx.fs.writeFile('r.txt', '0123456789');
      const res = await ctx.get('/files/r.txt').set('Range', range);
      expect(res.status).toBe(status);
      expect(res.headers['content-range']).toBe(contentRange);
      expect(res.body.toString()).toBe(body);
      expect(res.headers['content-length']).toBe(String(body.length));
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers['content-type']).toBe('text/plain');
    });

    test.each<[string, string, number]>([
      ['bytes=10-', '0123456789', 10],
      ['bytes=10-20', '0123456789', 10],
      ['bytes=-0', '0123456789', 10],
      ['bytes=-5', '', 0],
      ['bytes=0-', '', 0],
      ['bytes=0-0', '', 0],
    ])('Range %s on %p → 416 with Content-Range bytes */size', async (range, content, size) => {
      await ctx.fs.writeFile('r.txt', content);
      const res = await ctx.http().get('/files/r.txt').set('Range', range);
      expect(res.status).toBe(416);
      expect(res.headers['content-range']).toBe(`bytes */${size}`);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 416, code: 'ERANGE', path: 'r.txt' });
    });

    test('an empty file without Range is 200 with no body', async () => {
      await ctx.fs.writeFile('empty.txt', '');
      const res = await ctx.get('/files/empty.txt');
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe('0');
      expect(res.body.length).toBe(0);
    });

    test('a missing file is 404; GET takes no lock: it reads past a writer, and never waits', async () => {
      const creating = await ctx.fs.open('new.txt', 'x');
      await creating.write('not yet');
      expect((await ctx.http().get('/files/new.txt')).status).toBe(404);
      await ctx.fs.writeFile('old.txt', 'old');
      const writer = await ctx.fs.open('old.txt', 'w');
      await writer.write('new');
      const res = await ctx.get('/files/old.txt');
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('old');
      // the GET left no lock behind either: the writer still holds the only one, and commits
      await writer.close();
      await creating.close();
      expect((await ctx.get('/files/old.txt')).body.toString()).toBe('new');
      expect((await ctx.get('/files/new.txt')).body.toString()).toBe('not yet');
    });

    if (ctx.target.validators) validatorCases(ctx);
    else noValidatorCases(ctx);
  });
}

/** Conditional requests on a backend with ETag and Last-Modified. */
function validatorCases(ctx: E2EContext): void {
  const file = async () => {
    await ctx.fs.writeFile('c.txt', '0123456789');
    const stat = await ctx.fs.stat('c.txt');
    return { etag: stat.etag!, lastModified: stat.modifiedAt!.toUTCString(), stat };
  };
  const past = 'Thu, 01 Jan 2015 00:00:00 GMT';

  type Validators = { etag: string; lastModified: string };
  const getCases: Array<[string, (v: Validators) => Record<string, string>, number]> = [
    ['If-None-Match: its ETag', (v) => ({ 'If-None-Match': v.etag }), 304],
    [
      'If-None-Match: W/ its ETag (weak comparison)',
      (v) => ({ 'If-None-Match': `W/${v.etag}` }),
      304,
    ],
    ['If-None-Match: a list holding it', (v) => ({ 'If-None-Match': `"other", ${v.etag}` }), 304],
    ['If-None-Match: *', () => ({ 'If-None-Match': '*' }), 304],
    ['If-None-Match: another', () => ({ 'If-None-Match': '"other"' }), 200],
    [
      'If-None-Match and Cache-Control: no-cache',
      (v) => ({ 'If-None-Match': v.etag, 'Cache-Control': 'no-cache' }),
      304,
    ],
    ['If-Modified-Since: its Last-Modified', (v) => ({ 'If-Modified-Since': v.lastModified }), 304],
    ['If-Modified-Since: long ago', () => ({ 'If-Modified-Since': past }), 200],
    ['If-Modified-Since: not a date', () => ({ 'If-Modified-Since': 'yesterday' }), 200],
    [
      'If-Modified-Since: in the future (invalid)',
      () => ({ 'If-Modified-Since': new Date(Date.now() + 86_400_000).toUTCString() }),
      200,
    ],
    [
      'If-None-Match (another) wins over If-Modified-Since',
      (v) => ({ 'If-None-Match': '"other"', 'If-Modified-Since': v.lastModified }),
      200,
    ],
    ['If-Match: its ETag', (v) => ({ 'If-Match': v.etag }), 200],
    ['If-Match: *', () => ({ 'If-Match': '*' }), 200],
    ['If-Match: another', () => ({ 'If-Match': '"other"' }), 412],
    ['If-Match: W/ its ETag (strong comparison)', (v) => ({ 'If-Match': `W/${v.etag}` }), 412],
    ['If-Unmodified-Since: long ago', () => ({ 'If-Unmodified-Since': past }), 412],
    [
      'If-Unmodified-Since: its Last-Modified',
      (v) => ({ 'If-Unmodified-Since': v.lastModified }),
      200,
    ],
    [
      'If-Match fails before If-None-Match is looked at',
      (v) => ({ 'If-Match': '"other"', 'If-None-Match': v.etag }),
      412,
    ],
  ];
  for (const [name, headers, status] of getCases)
    test(`GET and HEAD with ${name} → ${status}`, async () => {
      const v = await file();
      for (const method of ['get', 'head'] as const) {
        const res = await ctx.http()[method]('/files/c.txt').set(headers(v));
        expect(res.status).toBe(status);
        if (status === 304) {
          expect(res.headers.etag).toBe(v.etag);
          expect(res.headers['cache-control']).toBe('no-cache');
          expect(res.headers['content-type']).toBeUndefined();
          expect(res.text ?? '').toBe('');
        }
        if (status === 412 && method === 'get') {
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.body).toMatchObject({ status: 412, code: 'EPRECONDITION', path: 'c.txt' });
        }
        if (status === 200 && method === 'get') expect(res.text).toBe('0123456789');
      }
    });

  const rangeCases: Array<[string, (v: Validators) => string, number]> = [
    ['its ETag', (v) => v.etag, 206],
    ['another ETag', () => '"other"', 200],
    ['its ETag, weak', (v) => `W/${v.etag}`, 200],
    ['a date not its Last-Modified', () => 'Thu, 01 Jan 2015 00:00:00 GMT', 200],
    ['not a date nor a tag', () => 'whenever', 200],
  ];
  for (const [name, ifRange, status] of rangeCases)
    test(`If-Range with ${name} → ${status}`, async () => {
      const v = await file();
      const res = await ctx.get('/files/c.txt').set({ Range: 'bytes=2-4', 'If-Range': ifRange(v) });
      expect(res.status).toBe(status);
      expect(res.body.toString()).toBe(status === 206 ? '234' : '0123456789');
    });

  test('If-Range with its Last-Modified sends the range once that date is a strong validator', async () => {
    const v = await file();
    // Last-Modified is strong only when at least a second old (RFC 9110 §8.8.2.2)
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const res = await ctx
      .get('/files/c.txt')
      .set({ Range: 'bytes=2-4', 'If-Range': v.lastModified });
    expect(res.status).toBe(206);
    expect(res.body.toString()).toBe('234');
  });

  test('a new version gets a new ETag: the old one no longer answers 304', async () => {
    const v = await file();
    await ctx.fs.writeFile('c.txt', 'changed');
    const res = await ctx.get('/files/c.txt').set('If-None-Match', v.etag);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('changed');
    expect(res.headers.etag).not.toBe(v.etag);
  });
}

/** Redis keeps no ETag or Last-Modified: the conditions that need none still hold. */
function noValidatorCases(ctx: E2EContext): void {
  test.each<[Record<string, string>, number]>([
    [{ 'If-None-Match': '*' }, 304],
    [{ 'If-None-Match': '"x"' }, 200],
    [{ 'If-Modified-Since': 'Thu, 01 Jan 2015 00:00:00 GMT' }, 200],
    [{ 'If-Match': '*' }, 200],
    [{ 'If-Match': '"x"' }, 412],
    [{ 'If-Unmodified-Since': 'Thu, 01 Jan 2015 00:00:00 GMT' }, 200],
    [{ Range: 'bytes=2-4', 'If-Range': '"x"' }, 200],
    [{ Range: 'bytes=2-4', 'If-Range': 'Thu, 01 Jan 2015 00:00:00 GMT' }, 200],
  ])('no validators: %p → %i', async (headers, status) => {
    await ctx.fs.writeFile('c.txt', '0123456789');
    const res = await ctx.get('/files/c.txt').set(headers);
    expect(res.status).toBe(status);
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['last-modified']).toBeUndefined();
    if (status === 200) expect(res.body.toString()).toBe('0123456789');
  });
}

import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp } from './start-app';

/** A backend the sample runs on, chosen only by env variables. */
export interface SampleTarget {
  name: string;
  /** Env variables of a fresh, empty store (AIOFS_URL and its secrets). */
  env(): Record<string, string>;
  unavailable?: () => string | undefined;
  /** Called after each test, e.g. to check nothing was written outside a local root. */
  afterEach?: () => void;
}

function binaryParser(
  res: NodeJS.ReadableStream & { text?: string },
  callback: (error: Error | null, body: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
  res.on('error', (error: Error) => callback(error, Buffer.alloc(0)));
}

export function describeSampleE2E(target: SampleTarget): void {
  const reason = target.unavailable?.();
  if (reason) {
    if (process.env.AIOFS_TEST_REQUIRE_ALL === '1') {
      test(`sample e2e: ${target.name} can run`, () => {
        throw new Error(
          `${target.name}: ${reason} (AIOFS_TEST_REQUIRE_ALL=1 makes this a failure)`,
        );
      });
    } else {
      console.warn(`\n*** SKIPPING the sample e2e suite on ${target.name}: ${reason} ***\n`);
      describe.skip(`sample e2e: ${target.name}`, () => test('skipped', () => undefined));
    }
    return;
  }

  describe(`sample e2e: ${target.name}`, () => {
    let app: INestApplication;
    let http: ReturnType<typeof request>;

    beforeEach(async () => {
      app = await startApp(target.env());
      http = request(app.getHttpServer());
    });
    afterEach(async () => {
      await app.close();
      target.afterEach?.();
    });

    const get = (path: string) =>
      http
        .get(path)
        .buffer(true)
        .parse(binaryParser as never);

    test('binary data goes up and comes back byte for byte', async () => {
      const data = Buffer.concat([
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        randomBytes(1024 * 1024),
      ]);
      const put = await http
        .put('/files/dir/blob.bin')
        .set('Content-Type', 'application/octet-stream')
        .send(data);
      expect(put.status).toBe(201);
      expect(put.body).toEqual({ path: 'dir/blob.bin', size: data.length });
      const res = await get('/files/dir/blob.bin');
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe(String(data.length));
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(Buffer.compare(res.body as Buffer, data)).toBe(0);
      const again = await http.put('/files/dir/blob.bin').send(Buffer.from('replaced'));
      expect(again.status).toBe(200);
      expect((await get('/files/dir/blob.bin')).body.toString()).toBe('replaced');
    });

    test('a form-encoded body is stored as sent (no body parser)', async () => {
      await http
        .put('/files/form.txt')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('a=1&b=2')
        .expect(201);
      expect((await get('/files/form.txt')).body.toString()).toBe('a=1&b=2');
    });

    test('If-None-Match: * creates only', async () => {
      await http.put('/files/once.txt').set('If-None-Match', '*').send('first').expect(201);
      const res = await http.put('/files/once.txt').set('If-None-Match', '*').send('second');
      expect(res.status).toBe(412);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 412, code: 'EEXIST', path: 'once.txt' });
      expect((await get('/files/once.txt')).body.toString()).toBe('first');
    });

    test('ETag and Last-Modified where the backend has them; HEAD sends headers only', async () => {
      await http.put('/files/h.txt').send('0123456789').expect(201);
      const head = await http.head('/files/h.txt');
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe('10');
      expect(head.text ?? '').toBe('');
      const res = await get('/files/h.txt');
      if (res.headers.etag) expect(head.headers.etag).toBe(res.headers.etag);
      if (res.headers['last-modified'])
        expect(new Date(res.headers['last-modified']).getTime()).toBeGreaterThan(0);
      expect((await http.head('/files/missing.txt')).status).toBe(404);
    });

    test.each<[string, number, string | undefined, string]>([
      ['bytes=0-4', 206, 'bytes 0-4/10', '01234'],
      ['bytes=5-', 206, 'bytes 5-9/10', '56789'],
      ['bytes=-3', 206, 'bytes 7-9/10', '789'],
      ['bytes=8-100', 206, 'bytes 8-9/10', '89'],
      ['bytes=9-9', 206, 'bytes 9-9/10', '9'],
      ['bytes=-100', 206, 'bytes 0-9/10', '0123456789'],
      ['bytes=0-1,4-5', 200, undefined, '0123456789'],
      ['items=0-1', 200, undefined, '0123456789'],
      ['bytes=abc', 200, undefined, '0123456789'],
    ])('Range %s → %i', async (range, status, contentRange, body) => {
      await http.put('/files/r.txt').send('0123456789').expect(201);
      const res = await get('/files/r.txt').set('Range', range);
      expect(res.status).toBe(status);
      expect(res.headers['content-range']).toBe(contentRange);
      expect(res.body.toString()).toBe(body);
      expect(res.headers['content-length']).toBe(String(body.length));
    });

    test.each(['bytes=10-', 'bytes=10-20', 'bytes=5-2', 'bytes=-0'])(
      'Range %s → 416 with the size',
      async (range) => {
        await http.put('/files/r.txt').send('0123456789').expect(201);
        const res = await get('/files/r.txt').set('Range', range);
        expect(res.status).toBe(416);
        expect(res.headers['content-range']).toBe('bytes */10');
      },
    );

    test('DELETE removes; a missing file is 404 as a problem without a stack', async () => {
      await http.put('/files/d.txt').send('x').expect(201);
      await http.delete('/files/d.txt').expect(204);
      const res = await http.get('/files/d.txt');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: "No such file: 'd.txt'",
        code: 'ENOENT',
        path: 'd.txt',
      });
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts|stack/);
      expect((await http.delete('/files/d.txt')).status).toBe(404);
    });

    test('GET /files?pattern= lists as JSON', async () => {
      for (const p of ['a/1.txt', 'a/2.txt', 'b/3.txt', '公司/合作.doc'])
        await http
          .put(`/files/${encodeURIComponent(p).replace(/%2F/g, '/')}`)
          .send(p)
          .expect(201);
      expect((await http.get('/files').query({ pattern: 'a/*' })).body).toEqual({
        files: ['a/1.txt', 'a/2.txt'],
      });
      expect((await http.get('/files')).body.files).toEqual([
        'a/1.txt',
        'a/2.txt',
        'b/3.txt',
        '公司/合作.doc',
      ]);
      expect((await get('/files/%E5%85%AC%E5%8F%B8/%E5%90%88%E4%BD%9C.doc')).body.toString()).toBe(
        '公司/合作.doc',
      );
      expect((await http.get('/files').query({ pattern: '../*' })).status).toBe(400);
    });

    test('two concurrent PUTs to one path: one wins, the other gets 423 with Retry-After', async () => {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      const first = httpRequest({
        port,
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
      const second = await http.put('/files/race.txt').send('second');
      expect(second.status).toBe(423);
      expect(second.headers['retry-after']).toBe('1');
      expect(second.body).toMatchObject({ status: 423, code: 'EWOULDBLOCK', path: 'race.txt' });
      first.end('part two');
      expect(await firstDone).toBe(201);
      const stored = (await get('/files/race.txt')).body as Buffer;
      expect(stored.length).toBe(partOne.length + 'part two'.length);
      expect(stored.subarray(partOne.length).toString()).toBe('part two');
    });

    test.each([
      ['/files/../outside.txt', 400],
      ['/files/a/../../outside.txt', 400],
      ['/files/%2e%2e%2foutside.txt', 400],
      ['/files/%2E%2E/outside.txt', 400],
      ['/files/..%2Foutside.txt', 400],
      ['/files/..%5Coutside.txt', 400],
      ['/files//etc/passwd', 400],
      ['/files/%2Fetc%2Fpasswd', 400],
      ['/files/a%00b', 400],
      ['/files/.aiofs/locks/x', 400],
    ])('traversal and bad paths: PUT %s → %i, nothing written', async (path, status) => {
      const res = await http.put(path).send('evil');
      expect(res.status).toBe(status);
      expect(res.body.code).toBe('EINVAL');
      expect((await http.get(path)).status).toBe(status);
      expect((await http.get('/files')).body.files).toEqual([]);
    });

    test('a malformed percent-encoding is 400 and writes nothing', async () => {
      expect((await http.put('/files/%E0%A4%A').send('evil')).status).toBe(400);
      expect((await http.get('/files')).body.files).toEqual([]);
    });

    test('health is up for both file systems', async () => {
      const res = await http.get('/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.info.files).toMatchObject({
        status: 'up',
        backend: target.name.replace(/-.*/, ''),
      });
      expect(res.body.info.cache).toMatchObject({ status: 'up', backend: 'memory' });
      expect(typeof res.body.info.files.latencyMs).toBe('number');
    });
  });
}

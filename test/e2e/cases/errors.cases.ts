import type { E2EContext } from '../sample.e2e';
import { send, type Reply } from '../http-client';

const PROBLEM = /^application\/problem\+json/;

/** Errors as application/problem+json: one shape, one quoting, nothing of the server's inside. */
export function errorCases(ctx: E2EContext): void {
  describe('errors', () => {
    const bodies: Reply[] = [];
    const expectNoSecrets = (reply: Reply) => {
      const text = reply.body.toString();
      for (const secret of ctx.target.secrets(ctx.env).filter(Boolean)) {
        expect(text).not.toContain(secret);
      }
      expect(text).not.toMatch(/\/tmp\/|\/home\/|\/var\/|\/root\/|\bat .*\.(ts|js):\d+|"stack"/);
    };
    afterEach(() => {
      for (const reply of bodies.splice(0)) expectNoSecrets(reply);
    });
    const call = async (
      ...args: Parameters<typeof send> extends [number, ...infer R] ? R : never
    ) => {
      const reply = await send(ctx.port, ...args);
      bodies.push(reply);
      return reply;
    };

    test.each(['GET', 'HEAD', 'PUT', 'POST', 'DELETE'])(
      '%s /files/%zz (a malformed escape) is 400 as problem+json',
      async (method) => {
        const res = await call(method, '/files/%zz', { body: method === 'PUT' ? 'x' : undefined });
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(PROBLEM);
        if (method !== 'HEAD') {
          expect(JSON.parse(res.body.toString())).toMatchObject({
            type: 'about:blank',
            title: 'Bad Request',
            status: 400,
          });
        }
        expect(await ctx.fs.ls()).toEqual([]);
      },
    );

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
      ['/files/%E0%A4%A', 400],
    ])('traversal and bad paths: PUT %s → %i, nothing written', async (path, status) => {
      const res = await call('PUT', path, { body: 'evil' });
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(JSON.parse(res.body.toString()).status).toBe(status);
      expect((await call('GET', path)).status).toBe(status);
      expect(await ctx.fs.ls()).toEqual([]);
    });

    test('a path is quoted once: one backslash in the path is one escaped backslash in JSON', async () => {
      const res = await call('PUT', '/files/a%5Cb', { body: 'x' });
      expect(res.status).toBe(400);
      const problem = JSON.parse(res.body.toString());
      expect(problem).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: "Invalid path 'a\\b': backslashes are not allowed",
        code: 'EINVAL',
        path: 'a\\b',
      });
      expect(res.body.toString()).not.toContain('\\\\\\\\');
      const traversal = JSON.parse((await call('GET', '/files/..%2Fetc')).body.toString());
      expect(traversal.detail).toBe("Invalid path '../etc': '..' segments are not allowed");
    });

    test('404: a missing file, and a route that does not exist, as problems without a stack', async () => {
      const missing = await call('GET', '/files/d.txt');
      expect(missing.status).toBe(404);
      expect(JSON.parse(missing.body.toString())).toEqual({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: "No such file: 'd.txt'",
        code: 'ENOENT',
        path: 'd.txt',
      });
      const route = await call('GET', '/nowhere');
      expect(route.status).toBe(404);
      expect(route.headers['content-type']).toMatch(PROBLEM);
      expect(JSON.parse(route.body.toString())).toMatchObject({ status: 404, title: 'Not Found' });
    });

    test('GET /files?pattern= lists as JSON; a bad pattern is 400', async () => {
      for (const p of ['a/1.txt', 'a/2.txt', 'b/3.txt', '公司/合作.doc'])
        await ctx.fs.writeFile(p, p);
      expect((await ctx.http().get('/files').query({ pattern: 'a/*' })).body).toEqual({
        files: ['a/1.txt', 'a/2.txt'],
      });
      expect((await ctx.http().get('/files')).body.files).toEqual([
        'a/1.txt',
        'a/2.txt',
        'b/3.txt',
        '公司/合作.doc',
      ]);
      expect(
        (await ctx.get('/files/%E5%85%AC%E5%8F%B8/%E5%90%88%E4%BD%9C.doc')).body.toString(),
      ).toBe('公司/合作.doc');
      const bad = await call('GET', `/files?pattern=${encodeURIComponent('../*')}`);
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toMatch(PROBLEM);
    });

    test('every error answer of the backend keeps its paths relative and its secrets', async () => {
      await ctx.fs.writeFile('s.txt', '0123456789');
      const writer = await ctx.fs.open('locked.txt', 'w');
      const replies = [
        await call('GET', '/files/nope/x.txt'),
        await call('PUT', '/files/locked.txt', { body: 'x' }),
        await call('DELETE', '/files/locked.txt'),
        await call('GET', '/files/s.txt', { headers: { Range: 'bytes=50-' } }),
        await call('PUT', '/files/s.txt', { headers: { 'If-None-Match': '*' }, body: 'x' }),
        await call('PUT', '/files/bad%01name', { body: 'x' }),
        await call('GET', `/files/${'a'.repeat(1100)}`),
      ];
      await writer.abort();
      // a DELETE of a file being created is 404: it does not exist until its writer commits
      expect(replies.map((r) => r.status)).toEqual([404, 423, 404, 416, 412, 400, 400]);
      for (const reply of replies) expect(reply.headers['content-type']).toMatch(PROBLEM);
    });
  });
}

import type { E2EContext } from '../sample.e2e';

/** DELETE removes the one file its URL names: `*`, `?`, `[`, `]` are names, not patterns. */
export function deleteCases(ctx: E2EContext): void {
  describe('DELETE', () => {
    const names = ['x*y', 'xAy', 'xBBy', 'q?x', 'qax', 'b[1]', 'b1', '*', '?', '[', ']', 'dir/*'];

    test.each([
      ['x*y', '/files/x%2Ay'],
      ['q?x', '/files/q%3Fx'],
      ['b[1]', '/files/b[1]'],
      ['*', '/files/%2A'],
      ['*', '/files/*'],
      ['?', '/files/%3F'],
      ['[', '/files/%5B'],
      ['dir/*', '/files/dir/%2A'],
    ])('DELETE of %p removes it alone', async (name, path) => {
      for (const n of names) await ctx.fs.writeFile(n, n);
      const res = await ctx.http().delete(path);
      expect(res.status).toBe(204);
      expect(await ctx.fs.ls()).toEqual(
        names.filter((n) => n !== name).sort((a, b) => (a < b ? -1 : 1)),
      );
      // the name is gone: again is 404, as for any missing file
      const again = await ctx.http().delete(path);
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ status: 404, code: 'ENOENT', path: name });
    });

    test('a missing name is 404 whether or not it looks like a pattern', async () => {
      await ctx.fs.writeFile('keep.txt', 'k');
      for (const path of [
        '/files/nothing.txt',
        '/files/nothing%2A',
        '/files/k%3Fep.txt',
        '/files/%2A',
      ]) {
        const res = await ctx.http().delete(path);
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      expect(await ctx.fs.ls()).toEqual(['keep.txt']);
    });

    test('a backslash is refused (400), not taken as an escape', async () => {
      await ctx.fs.writeFile('a*', 'a');
      const res = await ctx.http().delete('/files/a%5C*');
      expect(res.status).toBe(400);
      expect(await ctx.fs.ls()).toEqual(['a*']);
    });
  });
}

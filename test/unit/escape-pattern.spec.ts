import fc from 'fast-check';
import { compilePattern, escapePattern, InvalidPathError, normalizePath } from '../../lib';

describe('escapePattern', () => {
  test.each<[string, string, string[]]>([
    // the specials: each gets a backslash
    ['x*y', 'x\\*y', ['xAy', 'xBBy', 'xy', 'x/y']],
    ['q?x', 'q\\?x', ['qax', 'q/x']],
    ['*', '\\*', ['a', 'b/c']],
    ['?', '\\?', ['a']],
    ['**/?', '\\*\\*/\\?', ['a/b', '*/a']],
    ['a\\*', 'a\\\\\\*', []],
    // the literal ones: unchanged, and they match only themselves
    ['b[1].txt', 'b[1].txt', ['b1.txt', 'b].txt']],
    ['[ab]', '[ab]', ['a', 'b']],
    ['100%_off', '100%_off', ['100x_off']],
    ['a+b(c)|d^$.{e}', 'a+b(c)|d^$.{e}', ['aab(c)|d^$.{e}']],
    ['dir/sub/file', 'dir/sub/file', ['dir/sub/fil']],
    ['公司/合作*.doc', '公司/合作\\*.doc', ['公司/合作1.doc']],
    ['🚀?', '🚀\\?', ['🚀x']],
  ])('%p → %p names itself and nothing else', (path, escaped, others) => {
    expect(escapePattern(path)).toBe(escaped);
    if (path.includes('\\')) {
      // a backslash is never part of a path: the escaped pattern is refused like the path itself
      expect(() => compilePattern(escaped)).toThrow(InvalidPathError);
      expect(() => normalizePath(path)).toThrow(InvalidPathError);
      return;
    }
    const pattern = compilePattern(escaped);
    expect(pattern.exact).toBe(normalizePath(path));
    expect(pattern.matches(normalizePath(path))).toBe(true);
    for (const other of others) expect(pattern.matches(other)).toBe(false);
  });

  test('unescaped, the same names are wildcards (what escapePattern protects from)', () => {
    expect(compilePattern('x*y').matches('xAy')).toBe(true);
    expect(compilePattern('q?x').matches('qax')).toBe(true);
    expect(compilePattern('*').exact).toBeUndefined();
  });

  test('a path of the longest length, full of specials, still compiles once escaped', () => {
    const path = `${'*?'.repeat(511)}ab`; // 1024 bytes
    const escaped = escapePattern(path);
    expect(Buffer.byteLength(escaped)).toBeGreaterThan(1024);
    expect(compilePattern(escaped).exact).toBe(path);
    expect(() => compilePattern(escapePattern(`${path}c`))).toThrow(InvalidPathError);
  });

  test('not a string is InvalidPathError', () => {
    expect(() => escapePattern(5 as never)).toThrow(InvalidPathError);
    expect(() => escapePattern(undefined as never)).toThrow(InvalidPathError);
  });

  test('any valid path: the escaped pattern is exact and equals the normalised path', () => {
    const char = fc.constantFrom('a', 'b', '/', '.', '*', '?', '[', ']', '%', ' ', '公', '🚀');
    fc.assert(
      fc.property(fc.array(char, { minLength: 1, maxLength: 30 }), (chars) => {
        const path = chars.join('');
        let normalized: string;
        try {
          normalized = normalizePath(path);
        } catch {
          expect(() => compilePattern(escapePattern(path))).toThrow(InvalidPathError);
          return;
        }
        const pattern = compilePattern(escapePattern(path));
        expect(pattern.exact).toBe(normalized);
        expect(pattern.prefix).toBe(normalized);
      }),
      { numRuns: 2000 },
    );
  });
});

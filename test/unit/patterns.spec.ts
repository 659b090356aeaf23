import { compilePattern, InvalidPathError } from '../../lib';

describe('compilePattern', () => {
  test.each<[string, { exact?: string; prefix: string }]>([
    ['a.txt', { exact: 'a.txt', prefix: 'a.txt' }],
    ['/a//b', { exact: 'a/b', prefix: 'a/b' }],
    ['dir/*', { prefix: 'dir/' }],
    ['*', { prefix: '' }],
    ['a?c', { prefix: 'a' }],
    ['a\\*b', { exact: 'a*b', prefix: 'a*b' }],
    ['a\\?', { exact: 'a?', prefix: 'a?' }],
    ['x[1]%', { exact: 'x[1]%', prefix: 'x[1]%' }],
    ['./d/./*', { prefix: 'd/' }],
  ])('%p has exact %p', (source, expected) => {
    const p = compilePattern(source);
    expect(p.exact).toBe(expected.exact);
    expect(p.prefix).toBe(expected.prefix);
  });

  test.each<[string, string, boolean]>([
    ['*', 'a', true],
    ['*', 'a/b/c', true],
    ['dir/*', 'dir/a', true],
    ['dir/*', 'dir/a/b', true],
    ['dir/*', 'dirt/a', false],
    ['dir/*', 'dir', false],
    ['*.txt', 'a/b.txt', true],
    ['*.txt', 'a.txt.bak', false],
    ['?', 'a', true],
    ['?', 'ab', false],
    ['?', '公', true],
    ['?', '🚀', true],
    ['a?c', 'a/c', true],
    ['[ab]', '[ab]', true],
    ['[ab]', 'a', false],
    ['a.c', 'abc', false],
    ['a+', 'aa', false],
    ['a+', 'a+', true],
    ['(x)|y', '(x)|y', true],
    ['^$', '^$', true],
    ['100%', '100%', true],
    ['a\\*', 'a*', true],
    ['a\\*', 'ab', false],
    ['**', 'x/y', true],
    ['a*b*c', 'a1b2c', true],
    ['a*b*c', 'a1c', false],
  ])('%p matches %p: %p', (pattern, path, expected) => {
    expect(compilePattern(pattern).matches(path)).toBe(expected);
  });

  test.each([
    ['a trailing escape', 'a\\'],
    ['empty', ''],
    ['..', '../*'],
    ['reserved', '.aiofs*'],
    ['reserved in a segment with a wildcard', 'd/.aiofs-?'],
    ['control', '*\u0001'],
    ['too long', '*'.repeat(1025)],
    ['not a string', 5],
  ])('%s is InvalidPathError', (_name, source) => {
    expect(() => compilePattern(source)).toThrow(InvalidPathError);
  });

  test('literal segments obey the backend rules', () => {
    expect(() => compilePattern('a:*', { forbiddenChars: ':' })).toThrow(InvalidPathError);
    expect(compilePattern('a*', { forbiddenChars: ':' }).matches('ab')).toBe(true);
  });
});

describe('pattern matching time', () => {
  test('many stars against a long path stay linear-ish (no catastrophic backtracking)', () => {
    const pattern = compilePattern('*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*Z');
    const path = 'a'.repeat(2000);
    const started = performance.now();
    expect(pattern.matches(path)).toBe(false);
    expect(pattern.matches(`${path}Z`)).toBe(true);
    // a backtracking RegExp takes minutes here; the matcher takes milliseconds
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

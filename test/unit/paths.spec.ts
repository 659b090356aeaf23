import { InvalidPathError, normalizePath } from '../../lib';

describe('normalizePath', () => {
  test.each<[string, string]>([
    ['a', 'a'],
    ['/a', 'a'],
    ['a/b', 'a/b'],
    ['/a/b/', 'a/b'],
    ['a//b', 'a/b'],
    ['./a/./b', 'a/b'],
    ['//a///b//', 'a/b'],
    ['a/./././b', 'a/b'],
    ['...', '...'],
    ['..a/b..', '..a/b..'],
    ['a b/c d', 'a b/c d'],
    ['公司合作协议.doc', '公司合作协议.doc'],
    ['emoji/🚀', 'emoji/🚀'],
    ['star*name?', 'star*name?'],
    ['[x]%', '[x]%'],
    ['.hidden', '.hidden'],
    ['.aiof', '.aiof'],
    ['x.aiofs', 'x.aiofs'],
  ])('%p → %p', (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });

  test.each<[string, unknown, RegExp]>([
    ['empty', '', /empty/],
    ['slashes only', '///', /empty/],
    ['dots only', './.', /empty/],
    ['..', '..', /'\.\.'/],
    ['.. inside', 'a/../b', /'\.\.'/],
    ['NUL', 'a\u0000', /control/],
    ['escape char', '\u001b[31m', /control/],
    ['C1', '\u0085', /control/],
    ['backslash', 'a\\b', /backslash/],
    ['too long', 'a'.repeat(1025), /1024/],
    ['reserved', '.aiofs', /reserved/],
    ['reserved inside', 'a/.aiofs-tmp-1/b', /reserved/],
    ['number', 7, /string/],
    ['object', {}, /string/],
  ])('%s is refused', (_name, input, message) => {
    expect(() => normalizePath(input)).toThrow(InvalidPathError);
    expect(() => normalizePath(input)).toThrow(message);
  });

  test('the limit counts UTF-8 bytes, not characters', () => {
    expect(normalizePath('é'.repeat(512))).toHaveLength(512);
    expect(() => normalizePath('é'.repeat(513))).toThrow(/1024/);
  });

  test("a backend's forbidden characters are refused with their name", () => {
    expect(() => normalizePath('a:b', { forbiddenChars: ':{}' })).toThrow(/':' is not allowed/);
    expect(() => normalizePath('a{b', { forbiddenChars: ':{}' })).toThrow(InvalidPathError);
    expect(normalizePath('a-b', { forbiddenChars: ':{}' })).toBe('a-b');
  });

  test('the error carries the path and EINVAL', () => {
    const error = (() => {
      try {
        normalizePath('a/../b');
      } catch (e) {
        return e as InvalidPathError;
      }
    })();
    expect(error?.code).toBe('EINVAL');
    expect(error?.path).toBe('a/../b');
  });
});

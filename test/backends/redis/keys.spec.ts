import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { compilePattern, normalizePath } from '../../../lib';
import { REDIS_PATH_RULES, RedisKeys } from '../../../lib/backends/redis/keys';

/** What a key means by core's own rules: the valid path whose data key it is, or undefined. */
function reference(prefix: string, key: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const path = key.slice(prefix.length).replaceAll(':', '/');
  try {
    const valid = normalizePath(path, REDIS_PATH_RULES) === path;
    return valid && new RedisKeys(prefix).data(path) === key ? path : undefined;
  } catch {
    return undefined;
  }
}

const PIECES = [
  ':',
  '/',
  '.',
  '..',
  'a',
  'é',
  '公',
  '🚀',
  '{',
  '}',
  '\\',
  '\u0000',
  '\u0085',
  '\u007f',
  ' ',
  '.aiofs',
  '.aiofs-tmp',
  '*',
  '[',
  '?',
];

describe('redis key layout (no server needed)', () => {
  test('data keys are keyPrefix + the path with / as :', () => {
    const keys = new RedisKeys('app:');
    expect(keys.data('dir/sub/file.bin')).toBe('app:dir:sub:file.bin');
    expect(keys.pathOf(Buffer.from('app:dir:sub:file.bin'))).toBe('dir/sub/file.bin');
    expect(keys.lock('a/b')).toBe('app:a:b{app:a:b}:.aiofs-lock');
    expect(keys.legacyLock('a/b')).toBe('app:{app:a:b}:.aiofs-lock');
    expect(keys.temp('a/b', 't')).toBe('app:a:b{app:a:b}:.aiofs-tmp:t');
    expect(keys.snapshot('a/b', 't')).toBe('app:a:b{app:a:b}:.aiofs-snap:t');
    // Named by the data key alone: a nested prefix names the same lock.
    expect(new RedisKeys('app:a:').lock('b')).toBe(keys.lock('a/b'));
    expect(new RedisKeys('').lock('app/a/b')).toBe(keys.lock('a/b'));
    expect(keys.pathOf(Buffer.from(keys.legacyLock('a/b')))).toBeUndefined();
    expect(keys.pathOf(Buffer.from(keys.lock('a/b')))).toBeUndefined();
    expect(keys.pathOf(Buffer.from('other:a'))).toBeUndefined();
  });

  test('pathOf agrees with normalizePath on any key, and refuses bytes that are not UTF-8', () => {
    const keys = new RedisKeys('p:');
    const agrees = (key: Buffer) =>
      expect(keys.pathOf(key)).toBe(isUtf8(key) ? reference('p:', key.toString()) : undefined);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }), (parts) => {
        agrees(Buffer.from(`p:${parts.join('')}`));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (rest) => {
        agrees(Buffer.from(`p:${rest}`));
      }),
      { numRuns: 2000 },
    );
    const BYTES = [0x3a, 0x2e, 0x2f, 0x61, 0x7b, 0x00, 0x7f, 0x80, 0xc2, 0x85, 0xc3, 0xa9, 0xff];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...BYTES), { maxLength: 16 }), (rest) => {
        agrees(Buffer.from([0x70, 0x3a, ...rest]));
      }),
      { numRuns: 2000 },
    );
    expect(keys.pathOf(Buffer.from([0x70, 0x3a, 0x61, 0xff]))).toBeUndefined();
    expect(keys.pathOf(Buffer.from('p:a:\u00e9'))).toBe('a/\u00e9');
    const long = Buffer.from(`p:${'a'.repeat(1000)}:${'é'.repeat(12)}`);
    expect(keys.pathOf(long)).toBe(reference('p:', long.toString()));
    const tooLong = Buffer.from(`p:${'a'.repeat(1000)}:${'é'.repeat(12)}x`);
    expect(keys.pathOf(tooLong)).toBe(reference('p:', tooLong.toString()));
    expect(keys.pathOf(tooLong)).toBeUndefined();
  });

  test.each([
    ['*', 'p\\*x:*'],
    ['dir/*', 'p\\*x:dir:*'],
    ['a?c', 'p\\*x:a*c'],
    ['*?*', 'p\\*x:*'],
    ['weird[1]*', 'p\\*x:weird\\[1\\]*'],
    ['h^at*', 'p\\*x:h\\^at*'],
    ['star\\*name*', 'p\\*x:star\\*name*'],
    ['100%*', 'p\\*x:100%*'],
  ])('the SCAN MATCH of %p escapes Redis glob specials', (pattern, match) => {
    expect(new RedisKeys('p*x:').match(compilePattern(pattern, REDIS_PATH_RULES))).toBe(match);
  });
});

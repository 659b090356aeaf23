import {
  failedPrecondition,
  ifRangeHolds,
  noneMatchFails,
  notModified,
} from '../../../lib/http/conditions';
import { parseEntityTags } from '../../../lib/http/entity-tags';
import type { FileStat } from '../../../lib';

const modifiedAt = new Date('2026-01-02T03:04:05.678Z');
const stat: FileStat = { path: 'f', size: 3, etag: '"abc"', modifiedAt };
const lastModified = modifiedAt.toUTCString(); // whole seconds
const now = modifiedAt.getTime() + 60_000;

describe('parseEntityTags', () => {
  test.each<[string, ReturnType<typeof parseEntityTags>]>([
    ['*', '*'],
    [' * ', '*'],
    ['"a"', [{ weak: false, opaque: 'a' }]],
    ['W/"a"', [{ weak: true, opaque: 'a' }]],
    [
      '"a", W/"b" ,"c"',
      [
        { weak: false, opaque: 'a' },
        { weak: true, opaque: 'b' },
        { weak: false, opaque: 'c' },
      ],
    ],
    ['"a,b"', [{ weak: false, opaque: 'a,b' }]],
    [
      '"a",,"b"',
      [
        { weak: false, opaque: 'a' },
        { weak: false, opaque: 'b' },
      ],
    ],
    ['""', [{ weak: false, opaque: '' }]],
    ['a', undefined],
    ['"a', undefined],
    ['w/"a"', undefined],
    ['"a" "b"', undefined],
    ['', undefined],
  ])('%p → %p', (value, expected) => {
    expect(parseEntityTags(value)).toEqual(expected);
  });
});

describe('preconditions (RFC 9110 §13)', () => {
  test.each<[Record<string, string>, FileStat | undefined, string | undefined]>([
    [{}, stat, undefined],
    [{ 'if-match': '"abc"' }, stat, undefined],
    [{ 'if-match': '"x", "abc"' }, stat, undefined],
    [{ 'if-match': '*' }, stat, undefined],
    [{ 'if-match': 'W/"abc"' }, stat, 'If-Match'], // strong comparison
    [{ 'if-match': '"abd"' }, stat, 'If-Match'],
    [{ 'if-match': 'garbage' }, stat, 'If-Match'],
    [{ 'if-match': '*' }, undefined, 'If-Match'],
    [{ 'if-match': '"abc"' }, { path: 'f', size: 3 }, 'If-Match'], // no etag: no match
    [{ 'if-match': '*' }, { path: 'f', size: 3 }, undefined],
    [{ 'if-unmodified-since': lastModified }, stat, undefined],
    [
      { 'if-unmodified-since': new Date(modifiedAt.getTime() - 2000).toUTCString() },
      stat,
      'If-Unmodified-Since',
    ],
    [{ 'if-unmodified-since': 'not a date' }, stat, undefined],
    [{ 'if-unmodified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' }, { path: 'f', size: 1 }, undefined],
    // If-Match wins over If-Unmodified-Since
    [
      { 'if-match': '"abc"', 'if-unmodified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' },
      stat,
      undefined,
    ],
  ])('%p on %p fails %p', (headers, s, expected) => {
    expect(failedPrecondition(headers, s)).toBe(expected);
  });

  test.each<[Record<string, string>, boolean]>([
    [{}, false],
    [{ 'if-none-match': '"abc"' }, true],
    [{ 'if-none-match': 'W/"abc"' }, true], // weak comparison
    [{ 'if-none-match': '"x", "abc"' }, true],
    [{ 'if-none-match': '*' }, true],
    [{ 'if-none-match': '"x"' }, false],
    [{ 'if-modified-since': lastModified }, true],
    [{ 'if-modified-since': new Date(modifiedAt.getTime() + 5000).toUTCString() }, true],
    [{ 'if-modified-since': new Date(modifiedAt.getTime() - 2000).toUTCString() }, false],
    [{ 'if-modified-since': 'yesterday' }, false],
    // later than now: invalid, ignored (§13.1.3)
    [{ 'if-modified-since': new Date(now + 3600_000).toUTCString() }, false],
    // If-None-Match takes precedence
    [{ 'if-none-match': '"x"', 'if-modified-since': lastModified }, false],
    // an origin server answers 304 even to Cache-Control: no-cache (§13.2.2)
    [{ 'if-none-match': '"abc"', 'cache-control': 'no-cache' }, true],
  ])('GET with %p is 304: %p', (headers, expected) => {
    expect(notModified(headers, stat, now)).toBe(expected);
  });

  test.each<[Record<string, string>, FileStat | undefined, boolean]>([
    [{}, stat, false],
    [{ 'if-none-match': '*' }, stat, true],
    [{ 'if-none-match': '*' }, undefined, false],
    [{ 'if-none-match': 'W/"abc"' }, stat, true],
    [{ 'if-none-match': '"x"' }, stat, false],
  ])('a write with %p on %p fails If-None-Match: %p', (headers, s, expected) => {
    expect(noneMatchFails(headers, s)).toBe(expected);
  });

  test.each<[string, FileStat, number, boolean]>([
    ['"abc"', stat, now, true],
    ['W/"abc"', stat, now, false],
    ['"x"', stat, now, false],
    ['"abc"', { ...stat, etag: 'W/"abc"' }, now, false],
    [lastModified, stat, now, true],
    [new Date(modifiedAt.getTime() + 1000).toUTCString(), stat, now, false],
    // Last-Modified less than a second before now is weak: no range on a date then
    [lastModified, stat, modifiedAt.getTime() + 500, false],
    ['not a date', stat, now, false],
    [lastModified, { path: 'f', size: 3 }, now, false],
  ])('If-Range %p holds: %p', (value, s, at, expected) => {
    expect(ifRangeHolds(value, s, at)).toBe(expected);
  });
});

import { parseRange } from '../../../lib/http/byte-range';

describe('parseRange (RFC 9110 §14)', () => {
  test.each<[string, number, ReturnType<typeof parseRange>]>([
    ['bytes=0-4', 10, { kind: 'partial', start: 0, end: 5 }],
    ['bytes=5-', 10, { kind: 'partial', start: 5, end: 10 }],
    ['bytes=-3', 10, { kind: 'partial', start: 7, end: 10 }],
    ['bytes=8-100', 10, { kind: 'partial', start: 8, end: 10 }],
    ['bytes=9-9', 10, { kind: 'partial', start: 9, end: 10 }],
    // a suffix longer than the file is the whole file (§14.1.2), not 416 as range-parser 1.x says
    ['bytes=-100', 10, { kind: 'partial', start: 0, end: 10 }],
    ['bytes=-99999999999999999999', 10, { kind: 'partial', start: 0, end: 10 }],
    ['bytes=0-99999999999999999999', 10, { kind: 'partial', start: 0, end: 10 }],
    ['Bytes=0-1', 10, { kind: 'partial', start: 0, end: 2 }],
    ['bytes= 1-2 ', 10, { kind: 'partial', start: 1, end: 3 }],
    ['bytes=1-2,', 10, { kind: 'partial', start: 1, end: 3 }],
    // overlapping or adjacent ranges are merged into one
    ['bytes=0-4,3-6', 10, { kind: 'partial', start: 0, end: 7 }],
    ['bytes=0-1,2-3', 10, { kind: 'partial', start: 0, end: 4 }],
    // an unsatisfiable part of a set is dropped
    ['bytes=0-1,50-60', 10, { kind: 'partial', start: 0, end: 2 }],
    // several ranges: the whole file
    ['bytes=0-1,4-5', 10, { kind: 'whole' }],
    ['bytes=0-0,-1', 10, { kind: 'whole' }],
    // not bytes, malformed or invalid (last before first): ignored
    ['items=0-1', 10, { kind: 'whole' }],
    ['bytes=abc', 10, { kind: 'whole' }],
    ['bytes=x-1', 10, { kind: 'whole' }],
    ['bytes=5-2', 10, { kind: 'whole' }],
    ['bytes=', 10, { kind: 'whole' }],
    ['bytes', 10, { kind: 'whole' }],
    ['bytes=1-2-3', 10, { kind: 'whole' }],
    ['bytes=-', 10, { kind: 'whole' }],
    ['bytes=0-1, bytes=2-3', 10, { kind: 'whole' }],
    // nothing satisfiable: 416
    ['bytes=10-', 10, { kind: 'unsatisfiable' }],
    ['bytes=10-20', 10, { kind: 'unsatisfiable' }],
    ['bytes=-0', 10, { kind: 'unsatisfiable' }],
    ['bytes=99999999999999999999-', 10, { kind: 'unsatisfiable' }],
    ['bytes=10-11,20-', 10, { kind: 'unsatisfiable' }],
    // an empty file has no satisfiable range
    ['bytes=-5', 0, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=0-0', 0, { kind: 'unsatisfiable' }],
  ])('%p of %i bytes → %p', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

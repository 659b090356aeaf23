import fc from 'fast-check';
import { sortPaths } from '../../lib/core/sort-paths';

// Pieces that make long shared prefixes, separators, digits around `/`, and code units outside
// ASCII (which send a range to the comparison sort), surrogate pairs included.
const PIECES = [
  'a',
  'b',
  'Z',
  '0',
  '9',
  '/',
  '.',
  '-',
  ' ',
  'dir/',
  'd1',
  'd10',
  'é',
  'ü',
  '日本',
  '😀',
  '\u007f',
  '\u0000',
  '\u0080',
];

describe('sortPaths', () => {
  test('sorts like Array.prototype.sort, repeats and shared prefixes included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...PIECES), { maxLength: 10 }), {
          minLength: 20,
          maxLength: 300,
        }),
        fc.constantFrom('', 'list/', 'aiofs/list100000/d'),
        (parts, prefix) => {
          const paths = parts.map((p) => prefix + p.join(''));
          const expected = [...paths].sort();
          expect(sortPaths([...paths], prefix.length)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('a string that ends sorts before the same string followed by U+0000', () => {
    const paths = Array.from(
      { length: 40 },
      (_, i) => ['p/x\u0000', 'p/x', 'p/x\u0000a', 'p/\u0080'][i % 4],
    );
    expect(sortPaths([...paths], 2)).toEqual([...paths].sort());
  });

  test('sorts a large listing with a shared prefix', () => {
    const paths = Array.from(
      { length: 20_000 },
      (_, i) => `aiofs/list/d${(i * 7919) % 100}/f${(i * 104729) % 20_000}`,
    );
    const expected = [...paths].sort();
    expect(sortPaths(paths, 'aiofs/list/'.length)).toEqual(expected);
  });

  test('any string sorts like Array.prototype.sort', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { minLength: 20, maxLength: 200 }),
        (paths) => {
          expect(sortPaths([...paths])).toEqual([...paths].sort());
        },
      ),
      { numRuns: 500 },
    );
  });
});

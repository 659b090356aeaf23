import { clampRange, InvalidArgumentError, resolveRange } from '../../lib';

describe('ranges', () => {
  test.each([
    [undefined, { start: 0 }],
    [null, { start: 0 }],
    [{}, { start: 0, end: undefined }],
    [{ start: 3 }, { start: 3, end: undefined }],
    [{ end: 3 }, { start: 0, end: 3 }],
    [
      { start: 2, end: 2 },
      { start: 2, end: 2 },
    ],
  ])('resolveRange(%p)', (input, expected) => {
    expect(resolveRange(input)).toEqual(expected);
  });

  test.each([
    { start: -1 },
    { end: -1 },
    { start: 3, end: 2 },
    { start: 1.5 },
    { end: Infinity },
    { start: '1' },
    4,
    'x',
  ])('%p is EINVAL', (input) => {
    expect(() => resolveRange(input)).toThrow(InvalidArgumentError);
  });

  test.each([
    [{ start: 0 }, 10, { start: 0, end: 10 }],
    [{ start: 4, end: 6 }, 10, { start: 4, end: 6 }],
    [{ start: 12 }, 10, { start: 10, end: 10 }],
    [{ start: 8, end: 20 }, 10, { start: 8, end: 10 }],
    [{ start: 0 }, 0, { start: 0, end: 0 }],
  ])('clampRange(%p, %p)', (range, size, expected) => {
    expect(clampRange(range, size)).toEqual(expected);
  });
});

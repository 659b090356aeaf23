import { InvalidArgumentError, parseMode } from '../../lib';

describe('parseMode', () => {
  test.each([
    [
      'r',
      {
        readable: true,
        writable: false,
        mustExist: true,
        mustNotExist: false,
        keepContent: true,
        append: false,
      },
    ],
    [
      'r+',
      {
        readable: true,
        writable: true,
        mustExist: true,
        mustNotExist: false,
        keepContent: true,
        append: false,
      },
    ],
    [
      'w',
      {
        readable: false,
        writable: true,
        mustExist: false,
        mustNotExist: false,
        keepContent: false,
        append: false,
      },
    ],
    [
      'w+',
      {
        readable: true,
        writable: true,
        mustExist: false,
        mustNotExist: false,
        keepContent: false,
        append: false,
      },
    ],
    [
      'a',
      {
        readable: false,
        writable: true,
        mustExist: false,
        mustNotExist: false,
        keepContent: true,
        append: true,
      },
    ],
    [
      'a+',
      {
        readable: true,
        writable: true,
        mustExist: false,
        mustNotExist: false,
        keepContent: true,
        append: true,
      },
    ],
    [
      'x',
      {
        readable: false,
        writable: true,
        mustExist: false,
        mustNotExist: true,
        keepContent: false,
        append: false,
      },
    ],
    [
      'x+',
      {
        readable: true,
        writable: true,
        mustExist: false,
        mustNotExist: true,
        keepContent: false,
        append: false,
      },
    ],
  ])('%s is the row of DESIGN §4', (mode, row) => {
    expect(parseMode(mode)).toEqual({ mode, ...row });
  });

  test.each([
    ['rb', 'r'],
    ['wb', 'w'],
    ['r+b', 'r+'],
    ['rb+', 'r+'],
    ['ab+', 'a+'],
    ['xb', 'x'],
  ])("'%s' is '%s'", (input, mode) => {
    expect(parseMode(input).mode).toBe(mode);
  });

  test.each([
    '',
    'b',
    'rw',
    'r++',
    'r+b+',
    'bb',
    'rbb',
    'R',
    ' r',
    'r ',
    'a+x',
    1,
    null,
    undefined,
    {},
  ])('%p is EINVAL', (mode) => {
    expect(() => parseMode(mode)).toThrow(InvalidArgumentError);
  });
});

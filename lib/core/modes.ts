import { InvalidArgumentError } from './errors';

export type OpenMode = 'r' | 'r+' | 'w' | 'w+' | 'a' | 'a+' | 'x' | 'x+';

/** One row of the mode table of DESIGN §4. */
export interface ModeSpec {
  readonly mode: OpenMode;
  readonly readable: boolean;
  readonly writable: boolean;
  /** The file must exist at open (`r`, `r+`). */
  readonly mustExist: boolean;
  /** The file must not exist at open (`x`, `x+`). */
  readonly mustNotExist: boolean;
  /** Start from the current content (`r+`, `a`) rather than empty. */
  readonly keepContent: boolean;
  /** Every write goes to the end (`a`, `a+`). */
  readonly append: boolean;
}

const TABLE: Record<OpenMode, Omit<ModeSpec, 'mode'>> = {
  r: {
    readable: true,
    writable: false,
    mustExist: true,
    mustNotExist: false,
    keepContent: true,
    append: false,
  },
  'r+': {
    readable: true,
    writable: true,
    mustExist: true,
    mustNotExist: false,
    keepContent: true,
    append: false,
  },
  w: {
    readable: false,
    writable: true,
    mustExist: false,
    mustNotExist: false,
    keepContent: false,
    append: false,
  },
  'w+': {
    readable: true,
    writable: true,
    mustExist: false,
    mustNotExist: false,
    keepContent: false,
    append: false,
  },
  a: {
    readable: false,
    writable: true,
    mustExist: false,
    mustNotExist: false,
    keepContent: true,
    append: true,
  },
  'a+': {
    readable: true,
    writable: true,
    mustExist: false,
    mustNotExist: false,
    keepContent: true,
    append: true,
  },
  x: {
    readable: false,
    writable: true,
    mustExist: false,
    mustNotExist: true,
    keepContent: false,
    append: false,
  },
  'x+': {
    readable: true,
    writable: true,
    mustExist: false,
    mustNotExist: true,
    keepContent: false,
    append: false,
  },
};

/** Parses a mode; a `b` anywhere after the letter is accepted and ignored (`rb`, `r+b`, `rb+`). */
export function parseMode(input: unknown): ModeSpec {
  if (typeof input !== 'string') {
    throw new InvalidArgumentError(
      `Invalid mode ${String(input)}: expected one of ${Object.keys(TABLE).join(', ')}`,
    );
  }
  const withoutB =
    input.length > 1 && /^[rwax]\+?b\+?$/.test(input) ? input.replace('b', '') : input;
  if (!Object.prototype.hasOwnProperty.call(TABLE, withoutB) || withoutB.endsWith('++')) {
    throw new InvalidArgumentError(
      `Invalid mode ${JSON.stringify(input)}: expected one of ${Object.keys(TABLE).join(', ')} (a trailing 'b' is allowed)`,
    );
  }
  const mode = withoutB as OpenMode;
  return { mode, ...TABLE[mode] };
}

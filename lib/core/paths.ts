import { InvalidPathError } from './errors';

/** Longest path, in UTF-8 bytes. */
export const MAX_PATH_BYTES = 1024;

/**
 * Segments starting with this are the backends' own bookkeeping (lock and temp entries):
 * refused as paths and never listed.
 */
export const RESERVED_PREFIX = '.aiofs';

/** What a backend adds to the common rules of DESIGN §3. */
export interface PathRules {
  /** Characters refused inside a segment (Redis: `:{}`). */
  readonly forbiddenChars?: string;
}

// C0 controls, DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function isReservedSegment(segment: string): boolean {
  return segment.startsWith(RESERVED_PREFIX);
}

/** Checks one literal segment (already free of `/`), throwing for the first rule it breaks. */
export function checkSegment(input: string, segment: string, rules: PathRules = {}): void {
  if (segment === '..') throw new InvalidPathError(input, "'..' segments are not allowed");
  if (CONTROL.test(segment))
    throw new InvalidPathError(input, 'control characters are not allowed');
  if (segment.includes('\\')) throw new InvalidPathError(input, 'backslashes are not allowed');
  if (isReservedSegment(segment)) {
    throw new InvalidPathError(input, `names starting with '${RESERVED_PREFIX}' are reserved`);
  }
  for (const ch of rules.forbiddenChars ?? '') {
    if (segment.includes(ch)) {
      throw new InvalidPathError(input, `'${ch}' is not allowed in a name on this backend`);
    }
  }
}

/**
 * The canonical form of a path (DESIGN §3): one leading `/`, `.` segments and repeated `/`
 * dropped; `..`, empty, control characters, backslashes and over-long paths refused.
 */
export function normalizePath(input: unknown, rules: PathRules = {}): string {
  if (typeof input !== 'string') {
    throw new InvalidPathError(String(input), `a path must be a string, not ${typeof input}`);
  }
  if (Buffer.byteLength(input, 'utf8') > MAX_PATH_BYTES) {
    throw new InvalidPathError(input, `longer than ${MAX_PATH_BYTES} UTF-8 bytes`);
  }
  const segments: string[] = [];
  for (const segment of input.split('/')) {
    if (segment === '' || segment === '.') continue;
    checkSegment(input, segment, rules);
    segments.push(segment);
  }
  if (segments.length === 0) throw new InvalidPathError(input, 'the path is empty');
  return segments.join('/');
}

/** The parent folders of a normalised path, nearest last: `a/b/c` → `['a', 'a/b']`. */
export function parentsOf(path: string): string[] {
  const parts = path.split('/');
  const parents: string[] = [];
  for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join('/'));
  return parents;
}

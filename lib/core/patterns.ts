import { InvalidPathError } from './errors';
import { checkSegment, MAX_PATH_BYTES, type PathRules } from './paths';

type Token = { kind: 'char'; value: string } | { kind: 'star' } | { kind: 'any' };

/** A compiled `ls`/`scan`/`rm` pattern (DESIGN §3). */
export interface Pattern {
  /** The pattern as given. */
  readonly source: string;
  /** The normalised path when the pattern has no wildcard, else undefined. */
  readonly exact?: string;
  /** The longest literal start every match shares (may be ''). */
  readonly prefix: string;
  /** Tokens of the normalised pattern, for backends that translate it (e.g. to a Redis MATCH). */
  readonly tokens: readonly Token[];
  matches(path: string): boolean;
}

export type { Token as PatternToken };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const chars = Array.from(source);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '\\') {
      if (i + 1 >= chars.length)
        throw new InvalidPathError(source, "the pattern ends with a lone '\\'");
      tokens.push({ kind: 'char', value: chars[++i] });
    } else if (ch === '*') {
      // `**` is the same as `*`.
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (ch === '?') {
      tokens.push({ kind: 'any' });
    } else {
      tokens.push({ kind: 'char', value: ch });
    }
  }
  return tokens;
}

function isSlash(token: Token): boolean {
  return token.kind === 'char' && token.value === '/';
}

/** Splits on literal `/`, drops empty and `.` segments, and checks literal segments like paths. */
function normalizeTokens(source: string, tokens: Token[], rules: PathRules): Token[] {
  const segments: Token[][] = [[]];
  for (const token of tokens) {
    if (isSlash(token)) segments.push([]);
    else segments[segments.length - 1].push(token);
  }
  const kept: Token[][] = [];
  for (const segment of segments) {
    if (segment.length === 0) continue;
    const literal = segment.every((t) => t.kind === 'char');
    const text = segment.map((t) => (t.kind === 'char' ? t.value : '')).join('');
    if (literal && text === '.') continue;
    if (literal) {
      checkSegment(source, text, rules);
    } else {
      // Wildcard segments: their literal parts still obey the character rules.
      const sample = segment.map((t) => (t.kind === 'char' ? t.value : 'x')).join('');
      checkSegment(source, sample, rules);
    }
    kept.push(segment);
  }
  if (kept.length === 0) throw new InvalidPathError(source, 'the pattern is empty');
  const out: Token[] = [];
  kept.forEach((segment, i) => {
    if (i > 0) out.push({ kind: 'char', value: '/' });
    out.push(...segment);
  });
  return out;
}

/**
 * Whether the code points of `path` match `tokens`, in O(path × pattern) at worst: on a mismatch
 * it goes back only to the last `*` (a backtracking RegExp could take exponential time).
 */
function wildcardMatch(tokens: readonly Token[], path: string[]): boolean {
  let t = 0;
  let p = 0;
  let star = -1;
  let resume = 0;
  while (p < path.length) {
    const token = tokens[t];
    if (token && (token.kind === 'any' || (token.kind === 'char' && token.value === path[p]))) {
      t++;
      p++;
    } else if (token?.kind === 'star') {
      star = t++;
      resume = p;
    } else if (star !== -1) {
      t = star + 1;
      p = ++resume;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

/**
 * A matcher for a pattern of literals and `*` only (the common case, e.g. `dir/*`): the literal
 * pieces between stars found in order, leftmost first, which is exact for such a pattern and
 * costs no array per path. UTF-16 searches agree with code points here: a piece starts and ends
 * with whole code points, and a high surrogate never equals a low one.
 */
function starMatcher(tokens: readonly Token[]): (path: string) => boolean {
  const pieces = [''];
  for (const token of tokens) {
    if (token.kind === 'star') pieces.push('');
    else if (token.kind === 'char') pieces[pieces.length - 1] += token.value;
  }
  const [first] = pieces;
  if (pieces.length === 1) return (path) => path === first;
  const last = pieces[pieces.length - 1];
  const middle = pieces.slice(1, -1).filter((piece) => piece !== '');
  return (path) => {
    const end = path.length - last.length;
    if (end < first.length || !path.startsWith(first) || !path.endsWith(last)) return false;
    let at = first.length;
    for (const piece of middle) {
      const found = path.indexOf(piece, at);
      if (found === -1 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  };
}

/** What the characters of a pattern special to aiofs are: each is escaped by `escapePattern`. */
const SPECIALS = /[*?\\]/g;

/**
 * The pattern that names exactly `path` and nothing else: `*`, `?` and `\` get a `\` before them
 * (every other character is already literal, DESIGN §3). `rm`, `ls` and `scan` take patterns, so a
 * path that comes from a user must go through this first: `rm(escapePattern(name))`.
 */
export function escapePattern(path: string): string {
  if (typeof path !== 'string') {
    throw new InvalidPathError(String(path), `a path must be a string, not ${typeof path}`);
  }
  return path.replace(SPECIALS, '\\$&');
}

/** UTF-8 bytes of a pattern with its escapes resolved (`a\*` counts as the 2 bytes of `a*`). */
function unescapedBytes(source: string): number {
  let escapes = 0;
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\\') {
      escapes++;
      i++;
    }
  }
  return Buffer.byteLength(source, 'utf8') - escapes;
}

export function compilePattern(input: unknown, rules: PathRules = {}): Pattern {
  if (typeof input !== 'string') {
    throw new InvalidPathError(String(input), `a pattern must be a string, not ${typeof input}`);
  }
  // Escapes at most double a pattern: anything longer cannot name a path of MAX_PATH_BYTES.
  if (Buffer.byteLength(input, 'utf8') > 2 * MAX_PATH_BYTES) {
    throw new InvalidPathError(input, `longer than ${MAX_PATH_BYTES} UTF-8 bytes`);
  }
  if (unescapedBytes(input) > MAX_PATH_BYTES) {
    throw new InvalidPathError(input, `longer than ${MAX_PATH_BYTES} UTF-8 bytes`);
  }
  const tokens = normalizeTokens(input, tokenize(input), rules);
  let prefix = '';
  for (const token of tokens) {
    if (token.kind !== 'char') break;
    prefix += token.value;
  }
  const wild = tokens.some((t) => t.kind !== 'char');
  return {
    source: input,
    exact: wild ? undefined : prefix,
    prefix,
    tokens,
    matches: tokens.some((t) => t.kind === 'any')
      ? (path: string) => wildcardMatch(tokens, Array.from(path))
      : starMatcher(tokens),
  };
}

import { isUtf8 } from 'node:buffer';
import { MAX_PATH_BYTES, RESERVED_PREFIX, type PathRules, type Pattern } from '../../core';

/** `:` maps to `/`, and `{}` would make a hash tag: none may appear inside a name. */
export const REDIS_PATH_RULES: PathRules = { forbiddenChars: ':{}' };

const GLOB_SPECIALS = /[*?[\]\\^]/g;

/**
 * A key's part after the prefix maps to a valid path when it is UTF-8 `:`-separated names, each
 * free of the characters paths refuse (controls, `\`, `{}`) and of `/` (its path would name
 * another key), and neither `.`, `..` nor a reserved name: the same rules as core's
 * normalizePath (a test checks they agree). Listing 100 000 keys must not cost a path parse
 * each, so an ASCII key is checked and translated in one pass over its bytes, and only a key
 * holding a `.` is matched against BAD_NAME.
 */
// eslint-disable-next-line no-control-regex -- controls are what it looks for
const BAD_CHAR = /[/\u0000-\u001f\u007f-\u009f\\{}]/;
const BAD_NAME = new RegExp(
  String.raw`(?:^|/)(?:\.\.?(?:/|$)|${RESERVED_PREFIX.replace('.', '\\.')})`,
);
const COLON = 0x3a;
const SLASH = 0x2f;
const DOT = 0x2e;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const DEL = 0x7f;

function escapeGlob(text: string): string {
  return text.replace(GLOB_SPECIALS, '\\$&');
}

/**
 * The key layout (the Python aiofs one): `dir/sub/file.bin` is `keyPrefix + 'dir:sub:file.bin'`.
 * aiofs's own keys are `<data key>{<data key>}:.aiofs-<kind>`: named by the data key alone, so
 * that two file systems whose prefixes nest (`app:` + `dir/f`, `app:dir:` + `f`) share one lock;
 * under the prefix; in the data key's cluster slot (the hash tag). A data key never holds `{`, so
 * they never map to a path.
 */
export class RedisKeys {
  private readonly prefixBytes: Buffer;
  /** Where pathOf translates an ASCII key: one path's bytes at most. */
  private readonly scratch = Buffer.allocUnsafe(MAX_PATH_BYTES);

  constructor(readonly prefix: string) {
    this.prefixBytes = Buffer.from(prefix);
  }

  data(path: string): string {
    return this.prefix + path.replaceAll('/', ':');
  }

  lock(path: string): string {
    return this.internal(path, 'lock');
  }

  /**
   * The lock's name in aiofs 0.1, `keyPrefix{<data key>}:.aiofs-lock`: held too, so that an
   * instance of 0.1 with the same prefix is excluded during a rolling upgrade.
   */
  legacyLock(path: string): string {
    return `${this.prefix}{${this.data(path)}}:${RESERVED_PREFIX}-lock`;
  }

  temp(path: string, token: string): string {
    return this.internal(path, `tmp:${token}`);
  }

  snapshot(path: string, token: string): string {
    return this.internal(path, `snap:${token}`);
  }

  /**
   * The path of a data key, given as the bytes SCAN returns, or undefined for a key that is not
   * one (aiofs's own, invalid, or not UTF-8).
   */
  pathOf(key: Buffer): string | undefined {
    const start = this.prefixBytes.length;
    const end = key.length;
    if (end <= start || end - start > MAX_PATH_BYTES) return undefined;
    for (let i = 0; i < start; i++) if (key[i] !== this.prefixBytes[i]) return undefined;
    const out = this.scratch;
    let previous = COLON;
    let dot = false;
    for (let i = start; i < end; i++) {
      const byte = key[i];
      if (byte >= 0x80) return this.pathOfText(key, start);
      if (byte === COLON) {
        if (previous === COLON) return undefined;
        out[i - start] = SLASH;
      } else {
        if (byte < 0x20 || byte === DEL || byte === SLASH || byte === BACKSLASH) return undefined;
        if (byte === OPEN_BRACE || byte === CLOSE_BRACE) return undefined;
        if (byte === DOT) dot = true;
        out[i - start] = byte;
      }
      previous = byte;
    }
    if (previous === COLON) return undefined;
    const path = out.toString('latin1', 0, end - start);
    return dot && BAD_NAME.test(path) ? undefined : path;
  }

  /**
   * A SCAN MATCH for the keys of `pattern`: the prefix and literals escaped, `/` as `:`. `?` is
   * widened to `*` (Redis matches bytes, a path character may be several); the caller filters.
   */
  match(pattern: Pattern): string {
    let glob = escapeGlob(this.prefix);
    let star = false;
    for (const token of pattern.tokens) {
      if (token.kind === 'char') glob += token.value === '/' ? ':' : escapeGlob(token.value);
      else if (!star) glob += '*';
      star = token.kind !== 'char';
    }
    return glob;
  }

  /** pathOf for a key holding non-ASCII bytes: decoded, then checked as text. */
  private pathOfText(key: Buffer, start: number): string | undefined {
    const rest = key.subarray(start);
    if (!isUtf8(rest)) return undefined;
    const text = rest.toString('utf8');
    if (BAD_CHAR.test(text)) return undefined;
    const path = text.replaceAll(':', '/');
    if (path.startsWith('/') || path.endsWith('/') || path.includes('//')) return undefined;
    return BAD_NAME.test(path) ? undefined : path;
  }

  private internal(path: string, kind: string): string {
    const data = this.data(path);
    return `${data}{${data}}:${RESERVED_PREFIX}-${kind}`;
  }
}

import { MAX_PATH_BYTES, RESERVED_PREFIX, type PathRules, type Pattern } from '../../core';

/** `:` maps to `/`, and `{}` would make a hash tag: none may appear inside a name. */
export const REDIS_PATH_RULES: PathRules = { forbiddenChars: ':{}' };

const GLOB_SPECIALS = /[*?[\]\\^]/g;

/**
 * A key's part after the prefix maps to a valid path when it is `:`-separated names, each free
 * of the characters paths refuse (controls, `\`, `{}`) and of `/` (its path would name another
 * key), and neither `.`, `..` nor a reserved name: the same rules as core's normalizePath (a test
 * checks they agree), in two plain scans, since listing 100 000 keys must not cost a path parse
 * each. Only a key holding a `.` needs the second.
 */
// eslint-disable-next-line no-control-regex -- controls are what it looks for
const BAD_CHAR = /[/\u0000-\u001f\u007f-\u009f\\{}]/;
const BAD_NAME = new RegExp(
  String.raw`(?:^|:)(?:\.\.?(?::|$)|${RESERVED_PREFIX.replace('.', '\\.')})`,
);
/** A string of at most this many UTF-16 units has at most MAX_PATH_BYTES UTF-8 bytes. */
const SURELY_SHORT = Math.floor(MAX_PATH_BYTES / 3);

function escapeGlob(text: string): string {
  return text.replace(GLOB_SPECIALS, '\\$&');
}

/**
 * The key layout (the Python aiofs one): `dir/sub/file.bin` is `keyPrefix + 'dir:sub:file.bin'`.
 * aiofs's own keys carry the data key as a hash tag, `keyPrefix{<data key>}:.aiofs-<kind>`, so
 * that they share its cluster slot; a data key never holds `{`, so they never map to a path.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  data(path: string): string {
    return this.prefix + path.replaceAll('/', ':');
  }

  lock(path: string): string {
    return this.internal(path, 'lock');
  }

  temp(path: string, token: string): string {
    return this.internal(path, `tmp:${token}`);
  }

  snapshot(path: string, token: string): string {
    return this.internal(path, `snap:${token}`);
  }

  /** The path of a data key, or undefined for a key that is not one (aiofs's own, or invalid). */
  pathOf(key: string): string | undefined {
    if (!key.startsWith(this.prefix)) return undefined;
    const rest = key.slice(this.prefix.length);
    if (BAD_CHAR.test(rest) || rest === '' || rest[0] === ':' || rest.endsWith(':'))
      return undefined;
    if (rest.includes('::') || (rest.includes('.') && BAD_NAME.test(rest))) return undefined;
    if (rest.length > SURELY_SHORT && Buffer.byteLength(rest) > MAX_PATH_BYTES) return undefined;
    return rest.replaceAll(':', '/');
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

  private internal(path: string, kind: string): string {
    return `${this.prefix}{${this.data(path)}}:${RESERVED_PREFIX}-${kind}`;
  }
}

import { normalizePath, RESERVED_PREFIX, type PathRules, type Pattern } from '../../core';

/** `:` maps to `/`, and `{}` would make a hash tag: none may appear inside a name. */
export const REDIS_PATH_RULES: PathRules = { forbiddenChars: ':{}' };

const GLOB_SPECIALS = /[*?[\]\\^]/g;

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
    if (rest.includes('{') || rest.includes('}')) return undefined;
    const path = rest.replaceAll(':', '/');
    try {
      return normalizePath(path, REDIS_PATH_RULES) === path ? path : undefined;
    } catch {
      return undefined;
    }
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

import { InvalidArgumentError } from '../../core';
import { redactUrl } from '../redact';

/** What ioredis would take from a Redis URL, parsed by WHATWG rules instead of Node's legacy ones. */
export interface RedisUrlOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: boolean;
  /** The URL's query, handed to ioredis as options like ioredis itself does (e.g. `family`). */
  query: Record<string, string | number>;
}

const EXAMPLE = 'redis://localhost:6379/0 (or redis://[[user]:password@]host:port/db)';

/**
 * Checks a `redis://` or `rediss://` URL and takes it apart. Every message shows the URL
 * redacted (redactUrl) and nothing else of it, and carries no cause (Node's URL error keeps the
 * whole input). A password must percent-encode `/`, `?`, `#` and `@` (encodeURIComponent): else
 * the host could be taken from inside it, so such a URL is refused, as is a `@` in the query.
 */
export function parseRedisUrl(url: string): { options: RedisUrlOptions; location: string } {
  const shown = redactUrl(url);
  const scheme = /^(rediss?):\/\//i.exec(url);
  if (!scheme) {
    throw new InvalidArgumentError(`A Redis URL starts with redis:// or rediss://: ${shown}`);
  }
  const rest = url.slice(scheme[0].length);
  const authorityEnd = rest.search(/[/?#]/);
  if (authorityEnd !== -1 && rest.lastIndexOf('@') > authorityEnd) {
    throw new InvalidArgumentError(
      `A Redis URL must percent-encode '/', '?', '#' and '@' in its password (encodeURIComponent), and '@' in its query (%40): ${shown}`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError(`Invalid Redis URL ${shown}; e.g. ${EXAMPLE}`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new InvalidArgumentError(`A Redis URL needs a host: ${shown}; e.g. ${EXAMPLE}`);
  const db = /^\/?(\d*)$/.exec(parsed.pathname);
  if (!db) {
    throw new InvalidArgumentError(
      `The path of a Redis URL is the database number (/0), not what ${shown} has`,
    );
  }
  const port = parsed.port ? Number(parsed.port) : 6379;
  const query: Record<string, string | number> = {};
  for (const [key, value] of parsed.searchParams) query[key] = value;
  if (typeof query.family === 'string' && /^\d+$/.test(query.family))
    query.family = Number(query.family);
  const hasUserinfo = parsed.username !== '' || parsed.password !== '' || url.includes('@');
  return {
    options: {
      host,
      port,
      ...(hasUserinfo
        ? { username: decoded(parsed.username), password: decoded(parsed.password) }
        : {}),
      ...(db[1] ? { db: Number(db[1]) } : {}),
      ...(scheme[1].toLowerCase() === 'rediss' ? { tls: true } : {}),
      query,
    },
    location: `${parsed.hostname}:${port}`,
  };
}

/** A percent-encoded part as ioredis decodes it; a stray `%` stays as it is. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

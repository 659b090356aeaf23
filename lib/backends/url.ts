import { fileURLToPath } from 'node:url';
import * as nodePath from 'node:path';
import { InvalidArgumentError } from '../core';
import type { FileSystemOptions } from './file-system-options';
import { redactText, redactUrl } from './redact';
import { parseRedisUrl } from './redis/redis-url';

const EXAMPLES =
  'memory://, file:///var/data, file:./data, redis://localhost:6379/0?keyPrefix=app:, azure://my-container';

/** Options of every backend's URL query that are not the backend's own. */
function commonQuery(params: URLSearchParams, url: string): { lockTtlMs?: number } {
  const ttl = params.get('lockTtlMs');
  return ttl === null ? {} : { lockTtlMs: wholeNumber('lockTtlMs', ttl, url) };
}

/**
 * A piece of the query fit for a message: not when the query starts before the URL's last `@`,
 * where it may be part of a password holding a raw `?` (redactUrl hides up to that `@`).
 */
function shown(text: string, url: string): string {
  const query = url.indexOf('?');
  return query !== -1 && url.lastIndexOf('@') > query ? '' : ` '${text}'`;
}

function wholeNumber(name: string, value: string, url: string): number {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError(
      `${name} in ${redactUrl(url)} must be a whole number${shown(value, url) && `, not${shown(value, url)}`}`,
    );
  return Number(value);
}

function bool(name: string, value: string, url: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new InvalidArgumentError(
    `${name} in ${redactUrl(url)} must be true or false${shown(value, url) && `, not${shown(value, url)}`}`,
  );
}

function checkKnown(params: URLSearchParams, known: string[], url: string): void {
  for (const key of params.keys()) {
    if (!known.includes(key)) {
      throw new InvalidArgumentError(
        `Unknown option${shown(key, url)} in ${redactUrl(url)}; known: ${known.join(', ') || 'none'}`,
      );
    }
  }
}

/**
 * The options a file system URL stands for (DESIGN §5). Secrets other than a Redis password
 * never go in a URL: Azure's come from the options (in Nest, from their own env variables).
 */
export function parseFileSystemUrl(url: string): FileSystemOptions {
  if (typeof url !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    throw new InvalidArgumentError(
      `Not a file system URL: ${JSON.stringify(typeof url === 'string' ? redactUrl(url) : url)}; examples: ${EXAMPLES}`,
    );
  }
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  const [base, query = ''] = splitQuery(url);
  const params = new URLSearchParams(query);
  switch (scheme) {
    case 'memory':
      if (!/^memory:(\/\/)?$/i.test(base))
        throw new InvalidArgumentError(`A memory URL is just memory:// (got ${redactUrl(url)})`);
      checkKnown(params, ['lockTtlMs'], url);
      return { backend: 'memory', ...commonQuery(params, url) };
    case 'file': {
      checkKnown(params, ['lockTtlMs', 'durable'], url);
      const rest = base.slice('file:'.length);
      let root: string;
      if (rest.startsWith('//')) {
        try {
          root = fileURLToPath(base);
        } catch (error) {
          // No cause: Node's URL error keeps the whole input.
          throw new InvalidArgumentError(
            `Invalid file URL ${redactUrl(url)}: ${redactText((error as Error).message)}; use file:///abs/dir or file:./rel`,
          );
        }
      } else {
        try {
          root = nodePath.resolve(decodeURIComponent(rest));
        } catch {
          throw new InvalidArgumentError(
            `Invalid file URL ${redactUrl(url)}: a malformed %-escape; use file:///abs/dir or file:./rel`,
          );
        }
      }
      if (!rest || rest === '//')
        throw new InvalidArgumentError(
          `A file URL needs a folder: file:///abs/dir or file:./rel (got ${redactUrl(url)})`,
        );
      const durable = params.get('durable');
      return {
        backend: 'local',
        root,
        ...(durable === null ? {} : { durable: bool('durable', durable, url) }),
        ...commonQuery(params, url),
      };
    }
    case 'redis':
    case 'rediss': {
      // First: it refuses a password whose raw '?' or '@' would put part of it in the query,
      // which the checks below show.
      parseRedisUrl(url);
      checkKnown(params, ['lockTtlMs', 'keyPrefix', 'ttlSeconds'], url);
      const keyPrefix = params.get('keyPrefix');
      const ttl = params.get('ttlSeconds');
      return {
        backend: 'redis',
        url: base,
        ...(keyPrefix === null ? {} : { keyPrefix }),
        ...(ttl === null ? {} : { ttlSeconds: wholeNumber('ttlSeconds', ttl, url) }),
        ...commonQuery(params, url),
      };
    }
    case 'azure': {
      checkKnown(params, ['lockTtlMs', 'createContainer'], url);
      const match = /^azure:\/\/([^/@:?#]+)\/?$/i.exec(base);
      if (!match) {
        throw new InvalidArgumentError(
          `An Azure URL names only the container: azure://my-container (the connection string or credential comes from options, never the URL; got ${redactUrl(url)})`,
        );
      }
      const create = params.get('createContainer');
      return {
        backend: 'azure',
        container: match[1],
        ...(create === null ? {} : { createContainer: bool('createContainer', create, url) }),
        ...commonQuery(params, url),
      };
    }
    default:
      throw new InvalidArgumentError(
        `Unknown file system URL scheme '${scheme}:' in ${redactUrl(url)}; examples: ${EXAMPLES}`,
      );
  }
}

function splitQuery(url: string): [string, string?] {
  const at = url.indexOf('?');
  return at === -1 ? [url] : [url.slice(0, at), url.slice(at + 1)];
}

import {
  BackendUnavailableError,
  FileExistsError,
  FileNotFoundError,
  FileSystemError,
} from '../../core';
import { redactText } from '../redact';
import { scrubbedError } from '../scrub';

/** Thrown by aiofs itself when it finds no server to talk to (e.g. a cluster with no master). */
export class RedisNotConnectedError extends Error {
  override readonly name = 'RedisNotConnectedError';
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const CONNECTION_MESSAGES =
  /Connection is closed|Stream isn't writeable|enableOfflineQueue|Command timed out|None of startup nodes|Failed to refresh slots cache|Cluster isn't ready|Too many Cluster redirections|max retries per request|Connection in subscriber mode/i;

/** Replies of a server that is there but cannot serve now, or refuses who we are. */
const UNAVAILABLE_REPLIES =
  /^(LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY|READONLY|NOREPLICAS|NOAUTH|WRONGPASS)\b/;

/**
 * A call that would write or delete `path`, whose key holds another kind than a string: another
 * application's key, which aiofs leaves alone.
 */
export function foreignKeyError(path: string, kind: string): FileExistsError {
  return new FileExistsError(path, {
    message: `'${path}' is not a file: its Redis key holds a ${kind}, which aiofs leaves alone`,
  });
}

/** One line about `error`, without secrets. */
function describe(error: Error & { code?: unknown }): string {
  const line = String(error.message ?? '')
    .split('\n')[0]
    .slice(0, 200);
  const code = typeof error.code === 'string' ? error.code : '';
  return redactText(code && !line.includes(code) ? `${code}: ${line}` : line);
}

/** Types an ioredis error (DESIGN §2's table); undefined lets the facade wrap it as EIO. */
export function translateRedisError(
  error: unknown,
  location: string,
  path?: string,
): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  // ioredis keeps a command's arguments on its errors: AUTH's are the password.
  const cause = scrubbedError(error);
  const { code } = error as { code?: unknown };
  const message = String(error.message ?? '');
  if (
    error instanceof RedisNotConnectedError ||
    error.name === 'MaxRetriesPerRequestError' ||
    error.name === 'ClusterAllFailedError' ||
    (typeof code === 'string' && CONNECTION_CODES.has(code)) ||
    CONNECTION_MESSAGES.test(message) ||
    UNAVAILABLE_REPLIES.test(message)
  ) {
    return new BackendUnavailableError('redis', location, {
      cause,
      path,
      detail: /^(NOAUTH|WRONGPASS)/.test(message)
        ? 'authentication failed'
        : describe(error as Error & { code?: unknown }),
    });
  }
  if (message.startsWith('WRONGTYPE') && path) {
    return new FileNotFoundError(path, {
      cause,
      message: `'${path}' is not a file: its Redis key holds another type than a string`,
    });
  }
  // Growth past the server's proto-max-bulk-len, or one request bigger than it.
  if (/string exceeds maximum allowed size|invalid bulk length/i.test(message)) {
    return new FileSystemError(
      'EFBIG',
      `${path ? `'${path}'` : 'A file'} would grow past the largest string Redis at ${location} allows (proto-max-bulk-len); nothing was committed`,
      { path, cause },
    );
  }
  if (message.startsWith('OOM')) {
    return new FileSystemError(
      'ENOSPC',
      `Redis at ${location} is out of memory (maxmemory)${path ? ` writing '${path}'` : ''}`,
      { path, cause },
    );
  }
  // A script reports the ACL refusal of one of its commands as an ERR.
  if (message.startsWith('NOPERM') || /user executing the script can't run/.test(message)) {
    return new FileSystemError(
      'EACCES',
      `Redis at ${location} refused a command to this user${path ? ` on '${path}'` : ''}: ${describe(error)}`,
      { path, cause },
    );
  }
  return undefined;
}

/** Any other error of a Redis call, typed EIO, with its cause scrubbed. */
export function otherRedisError(error: unknown, path?: string): FileSystemError {
  const detail =
    error instanceof Error ? describe(error as Error & { code?: unknown }) : String(error);
  return new FileSystemError(
    'EIO',
    `redis backend failed${path ? ` on '${path}'` : ''}: ${detail}`,
    {
      path,
      cause: scrubbedError(error),
    },
  );
}

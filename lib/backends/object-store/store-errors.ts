import { FileSystemError } from '../../core';

/** Codes of a request that got no answer (Node's and the HTTP clients'): the store is unreachable. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** The store refused our credentials (HTTP 401/403): `EACCES`, saying what to check. */
export function accessRefusedError(
  store: string,
  where: string,
  path: string | undefined,
  reason: string,
  check: string,
  cause: unknown,
): FileSystemError {
  return new FileSystemError(
    'EACCES',
    `${store} refused access to ${where}${path ? ` for '${path}'` : ''}: ${reason}; check ${check}`,
    { path, cause },
  );
}

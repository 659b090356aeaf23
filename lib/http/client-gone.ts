import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClientAbortedError } from './errors';

/** What Node and its streams throw when the other end of a connection went away. */
const ABORT_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
]);

/**
 * Whether `error` only says that the client went away: a `ClientAbortedError`, or a connection
 * error (`ECONNRESET` "aborted", a premature close…) once the request or the response is closed.
 * Such an error is not a server's fault: it is never logged as an error and gets no answer.
 */
export function isClientGone(
  error: unknown,
  request: IncomingMessage | undefined,
  response: ServerResponse | undefined,
): boolean {
  if (error instanceof ClientAbortedError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  const abortLike =
    (typeof code === 'string' && ABORT_CODES.has(code)) ||
    (error instanceof Error && error.message === 'aborted');
  if (!abortLike) return false;
  const socket = request?.socket ?? response?.socket;
  return !!(
    request?.destroyed ||
    response?.destroyed ||
    socket?.destroyed ||
    (request && !request.complete && request.readableAborted)
  );
}

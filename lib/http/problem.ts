import { STATUS_CODES, type ServerResponse } from 'node:http';
import { HttpException } from '@nestjs/common';
import {
  BackendUnavailableError,
  BlockingIOError,
  FileClosedError,
  FileExistsError,
  FileNotFoundError,
  FileSystemError,
  InvalidArgumentError,
} from '../core';
import { HttpFileError, RangeNotSatisfiableError } from './errors';

/** An RFC 9457 problem, as `application/problem+json`. */
export interface Problem {
  type: 'about:blank';
  title: string;
  status: number;
  detail: string;
  /** The aiofs error code (`ENOENT`, `EWOULDBLOCK`…), when the problem comes from one. */
  code?: string;
  /** The file's path relative to the file system (never a disk path or a key). */
  path?: string;
}

export interface ProblemAnswer {
  problem: Problem;
  headers: Record<string, string>;
}

function problem(
  status: number,
  detail: string,
  extra: { code?: string; path?: string } = {},
  headers: Record<string, string> = {},
): ProblemAnswer {
  const body: Problem = {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
  };
  if (extra.code !== undefined) body.code = extra.code;
  if (extra.path !== undefined) body.path = extra.path;
  return { problem: body, headers };
}

const INTERNAL = 'The server failed to handle this request';

/**
 * The messages aiofs builds from what the caller gave (relative paths, options) are shown as they
 * are. For everything else the detail is written here: a backend's own message may hold an
 * absolute path (local), a key (Redis) or a host, and none of that is for the client.
 */
function fromFileSystem(error: FileSystemError): ProblemAnswer {
  const extra = { code: error.code, path: error.path };
  if (error instanceof FileNotFoundError)
    return problem(404, `No such file: '${error.path}'`, extra);
  if (error instanceof BlockingIOError) {
    return problem(423, error.message, extra, { 'Retry-After': '1' });
  }
  if (error instanceof FileExistsError) return problem(409, `File exists: '${error.path}'`, extra);
  if (error instanceof InvalidArgumentError) return problem(400, error.message, extra);
  if (error instanceof BackendUnavailableError) {
    return problem(503, `The ${error.backend} backend is unavailable`, extra, {
      'Retry-After': '5',
    });
  }
  if (error instanceof FileClosedError) {
    return problem(503, 'The file system is closed (the server is shutting down)', extra);
  }
  if (error.code === 'EFBIG') return problem(413, error.message, extra);
  if (error.code === 'ENOSPC' || error.code === 'EDQUOT') {
    return problem(507, 'The storage is full', extra);
  }
  return problem(500, INTERNAL, extra);
}

function fromHttpException(error: HttpException): ProblemAnswer {
  const status = error.getStatus();
  if (status >= 500) return problem(status, INTERNAL);
  const response = error.getResponse();
  const message =
    typeof response === 'object' && response !== null && 'message' in response
      ? (response as { message: unknown }).message
      : error.message;
  const detail = Array.isArray(message) ? message.join('; ') : String(message);
  return problem(status, detail);
}

/**
 * An error as the problem to answer: aiofs errors (400 EINVAL, 404 ENOENT, 409 EEXIST, 412
 * preconditions, 413, 416, 423 EWOULDBLOCK, 503 EUNAVAILABLE…), Nest's HttpExceptions, the 4xx
 * errors Express raises itself (a malformed `%` escape in the URL), and 500 for anything else.
 */
export function problemOf(error: unknown): ProblemAnswer {
  if (error instanceof HttpFileError) {
    const extra = { code: (error as { code?: string }).code, path: error.path };
    if (error instanceof RangeNotSatisfiableError) {
      return problem(416, error.message, extra, { 'Content-Range': `bytes */${error.size}` });
    }
    return problem(error.status, error.status >= 500 ? INTERNAL : error.message, extra);
  }
  if (error instanceof FileSystemError) return fromFileSystem(error);
  if (error instanceof HttpException) return fromHttpException(error);
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (error instanceof URIError) return problem(400, 'The URL has a malformed percent-encoding');
    const exposed = (error as { expose?: unknown }).expose === true;
    return problem(status, exposed ? (error as Error).message : (STATUS_CODES[status] ?? 'Error'));
  }
  return problem(500, INTERNAL);
}

/** Answers `error` as application/problem+json on a response that has sent nothing yet. */
export function writeProblem(response: ServerResponse, error: unknown): ProblemAnswer {
  const answer = problemOf(error);
  const body = JSON.stringify(answer.problem);
  response.statusCode = answer.problem.status;
  for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
  response.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  response.setHeader('Content-Length', String(Buffer.byteLength(body)));
  response.end(body);
  return answer;
}

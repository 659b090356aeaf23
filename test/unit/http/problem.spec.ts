import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import {
  BackendUnavailableError,
  BlockingIOError,
  FileClosedError,
  FileExistsError,
  FileNotFoundError,
  FileSystemError,
  InvalidPathError,
  lockLostError,
  UnsupportedOperationError,
} from '../../../lib';
import {
  BodyAlreadyReadError,
  ClientAbortedError,
  PayloadTooLargeError,
  PreconditionFailedError,
  problemOf,
  RangeNotSatisfiableError,
} from '../../../lib/http';

const SECRET_ROOT = '/srv/secret-root';
const SECRET_KEY = 'tenant42:files:';
const SECRET_HOST = 'redis-internal.corp:6380';

describe('problemOf', () => {
  test.each<[string, unknown, number, string, Record<string, string>?]>([
    ['ENOENT', new FileNotFoundError('a/b.txt'), 404, "No such file: 'a/b.txt'"],
    [
      'EWOULDBLOCK',
      new BlockingIOError('a.txt'),
      423,
      "'a.txt' is locked by another writer",
      { 'Retry-After': '1' },
    ],
    [
      'EWOULDBLOCK, several',
      new BlockingIOError(['a', 'b']),
      423,
      "2 files are locked by another writer: 'a', 'b'",
      { 'Retry-After': '1' },
    ],
    [
      'a lost lease',
      lockLostError('a.txt'),
      423,
      "The lock of 'a.txt' was lost (its lease expired or was taken over); nothing was committed",
      { 'Retry-After': '1' },
    ],
    ['EEXIST', new FileExistsError('a.txt'), 409, "File exists: 'a.txt'"],
    [
      'EINVAL',
      new InvalidPathError('../x', "'..' segments are not allowed"),
      400,
      "Invalid path '../x': '..' segments are not allowed",
    ],
    [
      'EUNAVAILABLE',
      new BackendUnavailableError('redis', SECRET_HOST, { detail: `ECONNREFUSED ${SECRET_HOST}` }),
      503,
      'The redis backend is unavailable',
      { 'Retry-After': '5' },
    ],
    [
      'EBADF',
      new FileClosedError('The local file system'),
      503,
      'The file system is closed (the server is shutting down)',
    ],
    [
      'EFBIG',
      new FileSystemError('EFBIG', "'a' would grow past Redis's 512 MiB string limit", {
        path: 'a',
      }),
      413,
      "'a' would grow past Redis's 512 MiB string limit",
    ],
    [
      'ENOSPC',
      new FileSystemError(
        'ENOSPC',
        `local backend failed on 'a': ENOSPC, write '${SECRET_ROOT}/a'`,
      ),
      507,
      'The storage is full',
    ],
    [
      'EACCES',
      new FileSystemError(
        'EACCES',
        `local backend failed on 'a': EACCES: permission denied, open '${SECRET_ROOT}/a'`,
        { path: 'a' },
      ),
      500,
      'The server failed to handle this request',
    ],
    [
      'EIO with a key',
      new FileSystemError('EIO', `redis backend failed on 'a': WRONGTYPE ${SECRET_KEY}a`, {
        path: 'a',
      }),
      500,
      'The server failed to handle this request',
    ],
    [
      'ENOTSUP (a bug of the app)',
      new UnsupportedOperationError("'a' is open in mode 'r', which cannot write"),
      500,
      'The server failed to handle this request',
    ],
    [
      'a precondition',
      new PreconditionFailedError('a', 'If-Match'),
      412,
      "The condition of If-Match is false for 'a'; nothing was written",
    ],
    [
      'a range',
      new RangeNotSatisfiableError('a', 10),
      416,
      "The requested range is not in 'a' (10 bytes)",
      { 'Content-Range': 'bytes */10' },
    ],
    [
      'a body too large',
      new PayloadTooLargeError('a', 5),
      413,
      "The body for 'a' is larger than 5 bytes; nothing was written",
    ],
    [
      'a body already read',
      new BodyAlreadyReadError('a'),
      500,
      'The server failed to handle this request',
    ],
    ['a Nest 404', new NotFoundException('Cannot GET /x'), 404, 'Cannot GET /x'],
    [
      'a Nest 400 with messages',
      new BadRequestException(['a must be a string', 'b is missing']),
      400,
      'a must be a string; b is missing',
    ],
    [
      'a Nest 500',
      new HttpException(`db at ${SECRET_HOST} failed`, 500),
      500,
      'The server failed to handle this request',
    ],
    [
      'a malformed URL escape (Express)',
      Object.assign(new URIError("Failed to decode param '%zz'"), { status: 400 }),
      400,
      'The URL has a malformed percent-encoding',
    ],
    [
      'an exposed http-error',
      Object.assign(new Error('request entity too large'), { status: 413, expose: true }),
      413,
      'request entity too large',
    ],
    [
      'an unexposed http-error',
      Object.assign(new Error(`at ${SECRET_ROOT}`), { status: 400 }),
      400,
      'Bad Request',
    ],
    [
      'anything else',
      new Error(`boom at ${SECRET_ROOT} ${SECRET_KEY}`),
      500,
      'The server failed to handle this request',
    ],
    ['not an Error', 'a string', 500, 'The server failed to handle this request'],
  ])('%s', (_name, error, status, detail, headers = {}) => {
    const { problem, headers: sent } = problemOf(error);
    expect(problem.type).toBe('about:blank');
    expect(problem.status).toBe(status);
    expect(problem.detail).toBe(detail);
    expect(sent).toEqual(headers);
    const text = JSON.stringify(problem);
    for (const secret of [SECRET_ROOT, SECRET_KEY, SECRET_HOST]) expect(text).not.toContain(secret);
  });

  test('aiofs errors carry their code and relative path', () => {
    expect(problemOf(new FileNotFoundError('a/b')).problem).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: "No such file: 'a/b'",
      code: 'ENOENT',
      path: 'a/b',
    });
    expect(problemOf(new ClientAbortedError('a')).problem.status).toBe(499);
  });
});

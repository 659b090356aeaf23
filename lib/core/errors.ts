/** Every error aiofs throws. `code` says the kind; `cause` holds the backend's own error. */
export class FileSystemError extends Error {
  readonly code: string;
  readonly path?: string;

  constructor(code: string, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options.path !== undefined) this.path = options.path;
  }
}

export class FileNotFoundError extends FileSystemError {
  constructor(path: string, options: { cause?: unknown; message?: string } = {}) {
    super('ENOENT', options.message ?? `No such file: '${path}'`, { path, cause: options.cause });
  }
}

export class BlockingIOError extends FileSystemError {
  /** Every path that was locked (one for an open; several for a pattern `rm`). */
  readonly paths: string[];

  constructor(paths: string | string[], options: { cause?: unknown; message?: string } = {}) {
    const list = Array.isArray(paths) ? paths : [paths];
    const message =
      options.message ??
      (list.length === 1
        ? `'${list[0]}' is locked by another writer`
        : `${list.length} files are locked by another writer: ${list.map((p) => `'${p}'`).join(', ')}`);
    super('EWOULDBLOCK', message, { path: list[0], cause: options.cause });
    this.paths = list;
  }
}

export class FileExistsError extends FileSystemError {
  constructor(path: string, options: { cause?: unknown; message?: string } = {}) {
    super('EEXIST', options.message ?? `File exists: '${path}'`, { path, cause: options.cause });
  }
}

export class InvalidArgumentError extends FileSystemError {
  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    super('EINVAL', message, options);
  }
}

/**
 * A path in single quotes, as every message quotes it; control characters (refused in paths, but
 * they are what an invalid path may hold) are shown as `\uXXXX` so that a message stays one line.
 */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

function quoted(path: string): string {
  const shown = path.replace(
    CONTROLS,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `'${shown}'`;
}

export class InvalidPathError extends InvalidArgumentError {
  constructor(path: string, reason: string, options: { cause?: unknown } = {}) {
    super(`Invalid path ${quoted(path)}: ${reason}`, { path, cause: options.cause });
  }
}

export class UnsupportedOperationError extends FileSystemError {
  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    super('ENOTSUP', message, options);
  }
}

export class FileClosedError extends FileSystemError {
  constructor(what: string, options: { path?: string } = {}) {
    super('EBADF', `${what} is closed`, options);
  }
}

export class BackendUnavailableError extends FileSystemError {
  readonly backend: string;

  /** `where` names the host or account; it must never hold a secret. */
  constructor(
    backend: string,
    where: string,
    options: { cause?: unknown; path?: string; detail?: string } = {},
  ) {
    const detail = options.detail ?? describeCause(options.cause);
    super(
      'EUNAVAILABLE',
      `Backend '${backend}' at ${where} is unavailable${detail ? `: ${detail}` : ''}`,
      {
        path: options.path,
        cause: options.cause,
      },
    );
    this.backend = backend;
  }
}

function describeCause(cause: unknown): string {
  if (!cause || typeof cause !== 'object') return '';
  const { code, message } = cause as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && code) return code;
  return typeof message === 'string' ? message.split('\n')[0].slice(0, 200) : '';
}

/** The error of a writer whose lease expired or was taken over before its commit. */
export function lockLostError(path: string): BlockingIOError {
  return new BlockingIOError(path, {
    message: `The lock of '${path}' was lost (its lease expired or was taken over); nothing was committed`,
  });
}

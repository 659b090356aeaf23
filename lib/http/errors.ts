/**
 * What can go wrong over HTTP beyond the file system's own errors (which are `FileSystemError`s).
 * Each has a `status`; `AiofsExceptionFilter` turns them into problem+json answers.
 */
export abstract class HttpFileError extends Error {
  abstract readonly status: number;
  /** The file's path relative to the file system, when there is one. */
  readonly path?: string;

  constructor(message: string, path?: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    if (path !== undefined) this.path = path;
  }
}

/** 412: a condition of the request (If-Match, If-None-Match, If-Unmodified-Since) is false. */
export class PreconditionFailedError extends HttpFileError {
  readonly status = 412;
  readonly code = 'EPRECONDITION';

  constructor(path: string, header: string) {
    super(`The condition of ${header} is false for '${path}'; nothing was written`, path);
  }
}

/** 413: the request body is larger than the route accepts. */
export class PayloadTooLargeError extends HttpFileError {
  readonly status = 413;
  readonly code = 'ETOOLARGE';

  constructor(path: string, maxBytes: number) {
    super(`The body for '${path}' is larger than ${maxBytes} bytes; nothing was written`, path);
  }
}

/**
 * 500: something read the request body before the upload could (a body parser). The app must not
 * parse bodies on upload routes (`NestFactory.create(AppModule, { bodyParser: false })`).
 */
export class BodyAlreadyReadError extends HttpFileError {
  readonly status = 500;
  readonly code = 'EBODYREAD';

  constructor(path: string) {
    super(
      `The body for '${path}' was already read (a body parser?); nothing was written. Create the app with bodyParser: false.`,
      path,
    );
  }
}

/**
 * The client went away (closed the connection) before the exchange ended. Nothing is committed;
 * there is no one to answer, and it is not a server error: it is never logged as one.
 */
export class ClientAbortedError extends HttpFileError {
  readonly status = 499;
  readonly code = 'ECLIENTABORTED';

  constructor(path?: string, options: { cause?: unknown } = {}) {
    super(
      `The client closed the connection${path ? ` during '${path}'` : ''}`,
      path,
      options.cause,
    );
  }
}

/** 416: no byte of the requested range is in the file; `size` goes into `Content-Range: bytes *\/size`. */
export class RangeNotSatisfiableError extends HttpFileError {
  readonly status = 416;
  readonly code = 'ERANGE';

  constructor(
    path: string,
    readonly size: number,
  ) {
    super(`The requested range is not in '${path}' (${size} bytes)`, path);
  }
}

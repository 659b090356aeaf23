import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { escapePattern, FileSystemError, normalizePath, type FileLikeSystem } from '../core';
import { ClientAbortedError, HttpFileError, PayloadTooLargeError } from './errors';

/** A file of a multipart request, as Multer hands it to a storage engine. */
export interface MultipartFile {
  fieldname: string;
  originalname: string;
  encoding: string;
  mimetype: string;
  /** The part's bytes (busboy's stream, `truncated` when a Multer `fileSize` limit cut it). */
  stream: Readable;
  /** Set once stored: the file's path in the file system. */
  path?: string;
  size?: number;
  /** Set once stored: true when the file did not exist before. */
  created?: boolean;
}

export interface AiofsStorageOptions {
  /** Where the part goes in the file system. Throwing (or rejecting) refuses the upload. */
  path: (request: IncomingMessage, file: MultipartFile) => string | Promise<string>;
  /** `w` (default) replaces an existing file; `x` refuses it (FileExistsError, 409). */
  mode?: 'w' | 'x';
  /** Wait this long for another writer's lock before BlockingIOError (423); default 0. */
  lockTimeoutMs?: number;
}

/** What a stored part adds to Multer's file (`req.file`). */
export interface StoredFile {
  path: string;
  size: number;
  created: boolean;
}

/** Multer's StorageEngine contract (`multer.StorageEngine`), without depending on its types. */
export interface AiofsStorageEngine {
  _handleFile(
    request: IncomingMessage,
    file: MultipartFile,
    callback: (error?: unknown, info?: StoredFile) => void,
  ): void;
  _removeFile(
    request: IncomingMessage,
    file: MultipartFile,
    callback: (error: Error | null) => void,
  ): void;
}

/**
 * Counts a part's bytes, and fails at its end when busboy truncated it (a `limits.fileSize` was
 * hit), before the writer could commit.
 */
class PartCounter extends Transform {
  bytes = 0;

  constructor(
    private readonly part: Readable,
    private readonly path: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (e?: Error) => void) {
    this.bytes += chunk.length;
    this.push(chunk);
    callback();
  }

  override _flush(callback: (error?: Error) => void) {
    const truncated = (this.part as Readable & { truncated?: boolean }).truncated;
    callback(truncated ? new PayloadTooLargeError(this.path, this.bytes) : undefined);
  }
}

async function store(
  fs: FileLikeSystem,
  options: AiofsStorageOptions,
  request: IncomingMessage,
  file: MultipartFile,
): Promise<StoredFile> {
  const path = normalizePath(await options.path(request, file));
  const writer: Writable = await fs.openWriteStream(path, {
    mode: options.mode ?? 'w',
    lockTimeoutMs: options.lockTimeoutMs,
  });
  let created: boolean;
  try {
    created = !(await fs.exists(path)); // under the lock: nobody commits meanwhile
  } catch (error) {
    writer.destroy();
    throw error;
  }
  const part = file.stream;
  const counter = new PartCounter(part, path);
  // The part itself is never destroyed here: Multer counts an error of the part as the end of its
  // handling, and would count it twice. It is unpiped and drained instead.
  const stop = (error: Error) => counter.destroy(error);
  // busboy never ends a part whose request broke off: stop here, so that the draft is discarded.
  const onClose = () => {
    if (!request.complete) stop(new ClientAbortedError(path));
  };
  const onLimit = () => stop(new PayloadTooLargeError(path, counter.bytes));
  part.once('error', stop);
  part.once('limit', onLimit);
  request.once('close', onClose);
  try {
    if (request.destroyed && !request.complete) throw new ClientAbortedError(path);
    part.pipe(counter);
    await pipeline(counter, writer);
    return { path, size: counter.bytes, created };
  } catch (error) {
    part.unpipe(counter);
    part.resume();
    writer.destroy();
    if (!writer.closed) await once(writer, 'close').catch(() => undefined);
    if (error instanceof FileSystemError || error instanceof HttpFileError) throw error;
    if (!request.complete) throw new ClientAbortedError(path, { cause: error });
    throw error;
  } finally {
    request.off('close', onClose);
    part.off('limit', onLimit);
    part.off('error', stop);
  }
}

/**
 * A Multer storage engine that streams each uploaded file into `fs` with bounded memory, through
 * `openWriteStream`: a file is committed when its part ends, and a part that breaks off (the
 * client went away, a `limits.fileSize` cut it, the lock was taken) commits nothing and leaves no
 * temp data. For Nest's `FileInterceptor('file', { storage: aiofsStorage(fs, { path }) })`.
 *
 * `req.file.path` is then the file's path in `fs` and `req.file.size` its size. When Multer fails a
 * request after some of its files were stored (a later part failed), it removes them — as its disk
 * storage does: a file that was replaced is then gone, not restored.
 */
export function aiofsStorage(fs: FileLikeSystem, options: AiofsStorageOptions): AiofsStorageEngine {
  if (typeof options?.path !== 'function') {
    throw new TypeError('aiofsStorage needs options.path: (request, file) => the path to store at');
  }
  return {
    _handleFile(request, file, callback) {
      store(fs, options, request, file).then(
        (info) => callback(null, info),
        (error: unknown) => {
          file.stream.resume(); // let busboy go on: Multer then fails the request
          callback(error);
        },
      );
    },
    _removeFile(_request, file, callback) {
      if (file.path === undefined) {
        callback(null);
        return;
      }
      fs.rm(escapePattern(file.path), { missingOk: true }).then(
        () => callback(null),
        (error: Error) => callback(error),
      );
    },
  };
}

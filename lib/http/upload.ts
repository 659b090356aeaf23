import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  FileNotFoundError,
  FileSystemError,
  InvalidArgumentError,
  normalizePath,
  type FileLikeSystem,
  type FileStat,
} from '../core';
import { ByteCounter } from './body-limit';
import { failedPrecondition, noneMatchFails } from './conditions';
import {
  BodyAlreadyReadError,
  ClientAbortedError,
  HttpFileError,
  PayloadTooLargeError,
  PreconditionFailedError,
} from './errors';

export interface ReceiveFileOptions {
  /** Wait this long for another writer's lock before 423 (default 0: answer at once). */
  lockTimeoutMs?: number;
  /** A larger body is refused with 413 and nothing is written (default: no limit). */
  maxBytes?: number;
}

export interface ReceivedFile {
  /** The path as the file system normalised it. */
  path: string;
  size: number;
  /** True when the file did not exist before (answer 201), false when it was replaced (200). */
  created: boolean;
}

/** Waits until a destroyed writer has discarded its draft and let go of the lock. */
async function settled(writer: Writable): Promise<void> {
  if (!writer.closed) await once(writer, 'close').catch(() => undefined);
}

async function statOrUndefined(fs: FileLikeSystem, path: string): Promise<FileStat | undefined> {
  try {
    return await fs.stat(path);
  } catch (error) {
    if (error instanceof FileNotFoundError) return undefined;
    throw error;
  }
}

/**
 * Streams a request's raw body into `path` (a PUT): the lock is taken first (423 when another
 * writer holds it), then If-Match, If-Unmodified-Since and If-None-Match are checked against the
 * file under that lock (412, nothing written), then the body is streamed to `openWriteStream` with
 * bounded memory and committed when it ends. A body that breaks off — the client went away, a
 * limit — commits nothing: the old content stays, and the temp data is gone when this rejects.
 *
 * The app must not parse the body first (`NestFactory.create(AppModule, { bodyParser: false })`).
 * No ETag is returned: once the lock is released another writer may commit at once, and a later
 * `stat` could describe that version instead.
 */
export async function receiveFile(
  fs: FileLikeSystem,
  path: string,
  request: IncomingMessage,
  options: ReceiveFileOptions = {},
): Promise<ReceivedFile> {
  const normalized = normalizePath(path);
  const maxBytes = options.maxBytes ?? Infinity;
  if (maxBytes !== Infinity && (!Number.isSafeInteger(maxBytes) || maxBytes < 0)) {
    throw new InvalidArgumentError(`maxBytes must be a whole number ≥ 0, not ${maxBytes}`);
  }
  if (request.readableEnded || request.readableDidRead) throw new BodyAlreadyReadError(normalized);
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) throw new PayloadTooLargeError(normalized, maxBytes);

  const writer = await fs.openWriteStream(path, {
    mode: 'w',
    lockTimeoutMs: options.lockTimeoutMs,
  });
  let created: boolean;
  try {
    // Under the lock: no other writer can commit between this check and our commit.
    const current = await statOrUndefined(fs, path);
    const failed =
      failedPrecondition(request.headers, current) ??
      (noneMatchFails(request.headers, current) ? 'If-None-Match' : undefined);
    if (failed) throw new PreconditionFailedError(normalized, failed);
    created = current === undefined;
  } catch (error) {
    writer.destroy();
    await settled(writer);
    throw error;
  }

  const counter = new ByteCounter(normalized, maxBytes);
  try {
    await pipeline(request, counter, writer);
  } catch (error) {
    writer.destroy();
    await settled(writer);
    if (error instanceof FileSystemError || error instanceof HttpFileError) throw error;
    if (!request.complete) throw new ClientAbortedError(normalized, { cause: error });
    throw error;
  }
  return { path: normalized, size: counter.bytes, created };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { Logger, StreamableFile } from '@nestjs/common';
import { InvalidArgumentError, type FileLikeSystem, type FileStat } from '../core';
import { parseRange } from './byte-range';
import { isClientGone } from './client-gone';
import {
  failedPrecondition,
  header,
  ifRangeHolds,
  lastModifiedHeader,
  notModified,
} from './conditions';
import { PreconditionFailedError, RangeNotSatisfiableError } from './errors';
import { handleStream } from './handle-stream';
import { writeProblem } from './problem';
import { baseName, contentDispositionOf, contentTypeOf } from './representation';

export interface ServeFileOptions {
  /** `attachment` (the default: a browser saves the file, never runs it) or `inline`. */
  disposition?: 'attachment' | 'inline';
  /** The name in Content-Disposition (default: the path's last segment). */
  filename?: string;
  /** Content-Type (default: from the extension by the mime-db table, else application/octet-stream). */
  contentType?: string;
  /** Cache-Control (default `no-cache`: caches may keep the file but revalidate it); false: none. */
  cacheControl?: string | false;
  /** Bytes per read from the file system (default 1 MiB). */
  chunkBytes?: number;
}

const DEFAULT_CHUNK_BYTES = 1024 * 1024;
const logger = new Logger('AiofsHttp');

/** What to answer a GET or HEAD for one version of a file. */
type Answer = { status: 304 } | { status: 200 | 206; start: number; end: number; body: boolean };

/** RFC 9110 §13.2.2 in order, then §14.2 (Range) for a GET; throws for 412 and 416. */
function answerFor(request: IncomingMessage, stat: FileStat, now: number): Answer {
  const { headers } = request;
  const failed = failedPrecondition(headers, stat);
  if (failed) throw new PreconditionFailedError(stat.path, failed);
  if (notModified(headers, stat, now)) return { status: 304 };
  const whole = { status: 200 as const, start: 0, end: stat.size };
  // Range is defined for GET only (§14.2): a HEAD describes the whole file.
  if (request.method === 'HEAD') return { ...whole, body: false };
  const range = header(headers, 'range');
  if (range === undefined) return { ...whole, body: true };
  const ifRange = header(headers, 'if-range');
  if (ifRange !== undefined && !ifRangeHolds(ifRange, stat, now)) return { ...whole, body: true };
  const wanted = parseRange(range, stat.size);
  if (wanted.kind === 'unsatisfiable') throw new RangeNotSatisfiableError(stat.path, stat.size);
  if (wanted.kind === 'whole') return { ...whole, body: true };
  return { status: 206, start: wanted.start, end: wanted.end, body: true };
}

function setValidators(response: ServerResponse, stat: FileStat, options: ServeFileOptions): void {
  if (stat.etag !== undefined) response.setHeader('ETag', stat.etag);
  const lastModified = lastModifiedHeader(stat);
  if (lastModified !== undefined) response.setHeader('Last-Modified', lastModified);
  const cacheControl = options.cacheControl ?? 'no-cache';
  if (cacheControl !== false) response.setHeader('Cache-Control', cacheControl);
}

function setHeaders(
  response: ServerResponse,
  stat: FileStat,
  answer: Exclude<Answer, { status: 304 }>,
  options: ServeFileOptions,
): void {
  response.statusCode = answer.status;
  setValidators(response, stat, options);
  response.setHeader('Accept-Ranges', 'bytes');
  response.setHeader('Content-Type', options.contentType ?? contentTypeOf(stat.path));
  response.setHeader(
    'Content-Disposition',
    contentDispositionOf(
      options.filename ?? baseName(stat.path),
      options.disposition ?? 'attachment',
    ),
  );
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Content-Length', String(answer.end - answer.start));
  if (answer.status === 206) {
    response.setHeader('Content-Range', `bytes ${answer.start}-${answer.end - 1}/${stat.size}`);
  }
}

/**
 * Sets the response up for an answer without a body. A 304 returns undefined: Nest ends it with
 * Express's `send()`, which drops the content headers. A HEAD returns an empty body: `send()`
 * would apply Express's own freshness rules to it (and answer 304 to an If-Modified-Since in the
 * future, which RFC 9110 §13.1.3 says to ignore).
 */
function answerWithoutBody(
  response: ServerResponse,
  stat: FileStat,
  answer: Answer,
  options: ServeFileOptions,
): StreamableFile | undefined {
  if (answer.status === 304) {
    response.statusCode = 304;
    setValidators(response, stat, options);
    return undefined;
  }
  setHeaders(response, stat, answer, options);
  return new StreamableFile(Readable.from([]));
}

/**
 * Serves `path` of `fs` for a GET or HEAD, as RFC 9110 has it: Range (one range; several get the
 * whole file), If-Range, If-Match / If-Unmodified-Since (412), If-None-Match / If-Modified-Since
 * (304), Accept-Ranges, Content-Type, Content-Disposition (RFC 6266), ETag and Last-Modified.
 *
 * Use it in a handler with `@Res({ passthrough: true })` and return what it returns: a
 * `StreamableFile` (empty for HEAD), or undefined for a 304. A missing file rejects with
 * `FileNotFoundError`, a 412 with `PreconditionFailedError`, a 416 with `RangeNotSatisfiableError`
 * (`AiofsExceptionFilter` answers them). No lock is taken.
 *
 * The validators always describe the bytes sent: the body comes from an `r` handle, which reads one
 * version, and its headers from that handle's `stat()`. A first `stat` answers 304, 412 and HEAD
 * without opening the file.
 */
export async function serveFile(
  fs: FileLikeSystem,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
  options: ServeFileOptions = {},
): Promise<StreamableFile | undefined> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new InvalidArgumentError(`serveFile answers GET and HEAD, not ${request.method}`);
  }
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) {
    throw new InvalidArgumentError(`chunkBytes must be a whole number ≥ 1, not ${chunkBytes}`);
  }
  const first = await fs.stat(path);
  const early = answerFor(request, first, Date.now());
  if (early.status === 304 || !early.body) {
    return answerWithoutBody(response, first, early, options);
  }
  const file = await fs.open(path, 'r');
  let stream;
  try {
    // The version read may be newer than the first stat: decide again, on its own validators.
    const stat = file.stat();
    const answer = answerFor(request, stat, Date.now());
    if (answer.status === 304 || !answer.body) {
      await file.close();
      return answerWithoutBody(response, stat, answer, options);
    }
    setHeaders(response, stat, answer, options);
    stream = handleStream(file, answer.start, answer.end, chunkBytes);
  } catch (error) {
    await file.close().catch(() => undefined);
    throw error;
  }
  const body = stream;
  // Nest pipes the body with pipe(), which leaves the source open when the client goes away.
  response.once('close', () => body.destroy());
  return new StreamableFile(body)
    .setErrorHandler((error) => failed(error, request, response))
    .setErrorLogger((error) => {
      if (!isClientGone(error, request, response)) logger.error(error.message, error.stack);
    });
}

/** A read failed while the body streamed: answer it if nothing was sent, else cut the response. */
function failed(error: Error, request: IncomingMessage, response: ServerResponse): void {
  if (isClientGone(error, request, response)) return;
  logger.error(`Download failed: ${error.message}`, error.stack);
  if (response.headersSent) {
    response.destroy(); // the client sees a short body, never a complete-looking one
    return;
  }
  for (const name of response.getHeaderNames()) response.removeHeader(name);
  writeProblem(response, error);
}

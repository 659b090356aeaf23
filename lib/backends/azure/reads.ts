import { PassThrough, Readable } from 'node:stream';
import type { BlobClient, BlobDownloadResponseParsed } from '@azure/storage-blob';
import { clampRange, type ResolvedRange } from '../../core';
import { isConditionFailed, isInvalidRange, isNotFound } from './azure-errors';

const MiB = 1024 * 1024;

/** One ranged GET of a larger read; several run at once, each conditioned on the first's etag. */
export const DOWNLOAD_CHUNK_BYTES = 8 * MiB;
export const DOWNLOAD_CONCURRENCY = 8;

/** The first answer of a read: bytes from the start of the range, and what the blob is. */
export interface FirstChunk {
  data: Buffer;
  /** The whole blob's size. */
  size: number;
  etag: string;
  /** When this version was committed. */
  modifiedAt?: Date;
}

/**
 * GETs up to `count` bytes from `offset`: undefined when the blob does not exist, an empty chunk
 * when `offset` is at or past its end (the service answers 416 then, even for an empty blob).
 */
export async function downloadFirst(
  blob: BlobClient,
  offset: number,
  count: number,
): Promise<FirstChunk | undefined> {
  let response: BlobDownloadResponseParsed;
  try {
    response = await blob.download(offset, count);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (isInvalidRange(error)) {
      const props = await blob.getProperties().catch((e: unknown) => {
        if (isNotFound(e)) return undefined;
        throw e;
      });
      return (
        props && {
          data: Buffer.alloc(0),
          size: props.contentLength ?? 0,
          etag: props.etag!,
          modifiedAt: props.lastModified,
        }
      );
    }
    throw error;
  }
  const data = await collect(response.readableStreamBody!, response.contentLength ?? 0);
  return {
    data,
    size: totalSize(response),
    etag: response.etag!,
    modifiedAt: response.lastModified,
  };
}

/** The whole blob's size from a ranged answer (`bytes a-b/size`) or a whole one. */
function totalSize(response: BlobDownloadResponseParsed): number {
  const match = /\/(\d+)$/.exec(response.contentRange ?? '');
  return match ? Number(match[1]) : (response.contentLength ?? 0);
}

export async function collect(stream: NodeJS.ReadableStream, length: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (at + chunk.length > length) throw new Error('the service sent more bytes than announced');
    chunk.copy(out, at);
    at += chunk.length;
  }
  if (at !== length) throw new Error('the service sent fewer bytes than announced');
  return out;
}

/**
 * `range` of one version of the blob: a first GET, then the rest in parallel chunks conditioned
 * on its etag; if the blob changed meanwhile, the rest comes in one GET of the new version.
 */
export async function readRange(
  blob: BlobClient,
  range: ResolvedRange,
): Promise<Buffer | undefined> {
  const wanted = range.end === undefined ? undefined : range.end - range.start;
  const first = await downloadFirst(
    blob,
    range.start,
    Math.max(1, Math.min(wanted ?? DOWNLOAD_CHUNK_BYTES, DOWNLOAD_CHUNK_BYTES)),
  );
  if (!first) return undefined;
  const { start, end } = clampRange(range, first.size);
  if (start + first.data.length >= end) return first.data.subarray(0, end - start);
  const out = Buffer.allocUnsafe(end - start);
  first.data.copy(out);
  const rest = out.subarray(first.data.length);
  try {
    await blob.downloadToBuffer(rest, start + first.data.length, rest.length, {
      conditions: { ifMatch: first.etag },
      blockSize: DOWNLOAD_CHUNK_BYTES,
      concurrency: DOWNLOAD_CONCURRENCY,
    });
    return out;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  return readWhole(blob, range);
}

/** `range` in one GET: one version, whatever commits meanwhile. */
async function readWhole(blob: BlobClient, range: ResolvedRange): Promise<Buffer | undefined> {
  const count = range.end === undefined ? undefined : range.end - range.start;
  try {
    const response = await blob.download(range.start, count);
    return await collect(response.readableStreamBody!, response.contentLength ?? 0);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (isInvalidRange(error)) return Buffer.alloc(0);
    throw error;
  }
}

/**
 * A stream of `range`: one GET, whose body is one version of the blob however long it takes to
 * read (the SDK resumes a broken connection only on the same etag). Nothing is buffered beyond the
 * stream's own high-water mark: the socket is paused when the reader is slow.
 */
export async function openRangeStream(
  blob: BlobClient,
  range: ResolvedRange,
  typeError: (error: unknown) => Error,
): Promise<Readable | undefined> {
  const count = range.end === undefined ? undefined : range.end - range.start;
  if (count === 0) {
    const exists = await blob.exists();
    return exists ? Readable.from([]) : undefined;
  }
  let response: BlobDownloadResponseParsed;
  try {
    response = await blob.download(range.start, count, { maxRetryRequests: 3 });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (isInvalidRange(error)) return Readable.from([]);
    throw error;
  }
  return typed(response.readableStreamBody!, typeError);
}

/** Passes `source` through, typing its errors; destroying the result destroys the source. */
function typed(source: NodeJS.ReadableStream, typeError: (error: unknown) => Error): Readable {
  const body = source as Readable;
  const out = new PassThrough();
  body.once('error', (error) => out.destroy(typeError(error)));
  out.once('close', () => {
    if (!body.destroyed) body.destroy();
  });
  body.pipe(out);
  return out;
}

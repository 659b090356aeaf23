import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { FileSystemError, type Reader, type ResolvedRange } from '../../core';
import { collect } from '../object-store/collect';
import { openPinnedReader } from '../object-store/pinned-reader';
import { readRange, type FirstChunk } from '../object-store/ranged-read';
import { isConditionFailed, isInvalidRange, isNotFoundError, type S3Api } from './s3-api';
import type { S3Keys } from './s3-keys';
import { copyObject } from './s3-transfer';

const MiB = 1024 * 1024;
/** One ranged GET of a larger read; several run at once, each pinned on the first's ETag. */
export const GET_CHUNK_BYTES = 8 * MiB;
const GET_CONCURRENCY = 8;
/** What an `r` handle fetches at open; an object no larger is read from memory. */
export const READER_HEAD_BYTES = 1 * MiB;
/** Times a broken read stream is resumed (on the same ETag) before it fails. */
const STREAM_RESUMES = 3;

/** `count` bytes from `offset`, with what the object is; see RangeSource.first. */
export async function getFirst(
  api: S3Api,
  key: string,
  offset: number,
  count: number,
): Promise<FirstChunk | undefined> {
  try {
    const got = await api.get(key, { start: offset, end: offset + count });
    const data = await collect(got.body, got.length);
    return { data, size: got.info.size, etag: got.info.etag, modifiedAt: got.info.modifiedAt };
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    if (!isInvalidRange(error)) throw error;
  }
  // At or past the end (an empty object has no range at all).
  const head = await api.head(key);
  return (
    head && { data: Buffer.alloc(0), size: head.size, etag: head.etag, modifiedAt: head.modifiedAt }
  );
}

/** Fills `out` from `offset` of version `etag`, in parallel ranged GETs pinned with If-Match. */
export async function fillPinned(
  api: S3Api,
  key: string,
  out: Buffer,
  offset: number,
  pin: { etag?: string; versionId?: string },
): Promise<void> {
  const chunks: number[] = [];
  for (let at = 0; at < out.length; at += GET_CHUNK_BYTES) chunks.push(at);
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const at = chunks[next++];
      const end = Math.min(out.length, at + GET_CHUNK_BYTES);
      const got = await api.get(
        key,
        { start: offset + at, end: offset + end },
        { ifMatch: pin.etag, versionId: pin.versionId },
      );
      (await collect(got.body, got.length)).copy(out, at);
    }
  };
  await Promise.all(Array.from({ length: Math.min(GET_CONCURRENCY, chunks.length) }, worker));
}

export function readObject(
  api: S3Api,
  key: string,
  range: ResolvedRange,
): Promise<Buffer | undefined> {
  return readRange(
    {
      first: (offset, count) => getFirst(api, key, offset, count),
      fill: (out, offset, etag) => fillPinned(api, key, out, offset, { etag }),
      whole: (r) => readWhole(api, key, r),
      isConditionFailed,
    },
    range,
    GET_CHUNK_BYTES,
  );
}

async function readWhole(api: S3Api, key: string, range: ResolvedRange) {
  try {
    const got = await api.get(key, range.start > 0 || range.end !== undefined ? range : undefined);
    return await collect(got.body, got.length);
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    if (isInvalidRange(error)) return (await api.head(key)) ? Buffer.alloc(0) : undefined;
    throw error;
  }
}

/**
 * A stream of `range`: one GET, whose body is one version of the object however long it takes to
 * read; the socket is paused while the reader is slow. A connection that breaks is resumed with a
 * ranged GET pinned on the first answer's ETag: if a commit landed meanwhile, the stream fails
 * (a precondition error) instead of mixing versions.
 */
export async function openObjectStream(
  api: S3Api,
  key: string,
  range: ResolvedRange,
  path: string,
): Promise<Readable | undefined> {
  if (range.end === range.start) {
    return (await api.head(key)) ? Readable.from([]) : undefined;
  }
  let first: Awaited<ReturnType<S3Api['get']>>;
  try {
    first = await api.get(key, range.start > 0 || range.end !== undefined ? range : undefined);
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    if (isInvalidRange(error)) return (await api.head(key)) ? Readable.from([]) : undefined;
    throw error;
  }
  const end = Math.min(range.end ?? first.info.size, first.info.size);
  return Readable.from(resumable(api, key, path, range.start, end, first), { objectMode: false });
}

async function* resumable(
  api: S3Api,
  key: string,
  path: string,
  start: number,
  end: number,
  first: Awaited<ReturnType<S3Api['get']>>,
): AsyncGenerator<Buffer> {
  let at = start;
  let body: AsyncIterable<Uint8Array> & NodeJS.ReadableStream = first.body;
  for (let resumes = 0; ;) {
    try {
      for await (const chunk of body) {
        at += chunk.length;
        yield Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      }
      if (at >= end) return;
      throw Object.assign(new Error('the response ended early'), { code: 'ECONNRESET' });
    } catch (error) {
      if (resumes++ >= STREAM_RESUMES || !isBroken(error)) throw error;
    }
    try {
      body = (await api.get(key, { start: at, end }, { ifMatch: first.info.etag })).body;
    } catch (error) {
      if (!isConditionFailed(error) && !isNotFoundError(error)) throw error;
      throw new FileSystemError(
        'EIO',
        `'${path}' changed while it was being streamed (a commit landed); the stream stopped rather than mix versions`,
        { path, cause: error },
      );
    }
  }
}

function isBroken(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return (
    code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || code === 'ETIMEDOUT'
  );
}

/**
 * A view of one version for an `r` handle. A small object comes whole with the first GET. A larger
 * one is pinned: by its version id in a versioned bucket, otherwise by a server-side copy to a
 * hidden snapshot object (made on the first GET's ETag) that is deleted at close.
 */
export function openObjectReader(
  api: S3Api,
  keys: S3Keys,
  key: string,
): Promise<Reader | undefined> {
  return openPinnedReader(
    () => getFirst(api, key, 0, READER_HEAD_BYTES),
    async (first) => {
      const head = await api.head(key);
      if (!head || head.etag !== first.etag) return undefined;
      if (head.versionId) {
        const versionId = head.versionId;
        return {
          fill: (out, position) => fillPinned(api, key, out, position, { versionId }),
          close: async () => undefined,
        };
      }
      const snapshot = keys.snapshot(randomUUID());
      try {
        await copyObject(api, key, snapshot, first.etag, first.size, undefined);
      } catch (error) {
        if (isConditionFailed(error) || isNotFoundError(error)) return undefined;
        throw error;
      }
      // Stores that ignore CopySourceIfMatch: check the source is still the version we saw.
      const after = await api.head(key);
      const copied = await api.head(snapshot);
      if (!after || after.etag !== first.etag || copied?.size !== first.size) {
        await api.delete(snapshot).catch(() => undefined);
        return undefined;
      }
      return {
        fill: (out, position) => fillPinned(api, snapshot, out, position, {}),
        close: () => api.delete(snapshot),
      };
    },
  );
}

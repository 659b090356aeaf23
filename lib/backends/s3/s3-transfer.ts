import { isNotFoundError, type S3Api, type WriteCondition } from './s3-api';
import { MAX_COPY_PART_BYTES, MAX_PARTS } from './s3-parts';

/** CopyObject's limit; larger objects are copied part by part. */
const COPY_OBJECT_MAX_BYTES = 5 * 1024 ** 3;

/**
 * Copies one version of `from` (ETag `sourceEtag`, `size` bytes) over `to` on the server,
 * conditioned like a commit. Over 5 GiB: a multipart upload of UploadPartCopy ranges.
 */
export async function copyObject(
  api: S3Api,
  from: string,
  to: string,
  sourceEtag: string,
  size: number,
  condition: WriteCondition,
): Promise<void> {
  if (size <= COPY_OBJECT_MAX_BYTES) {
    await api.copy(from, to, sourceEtag, condition);
    return;
  }
  const count = Math.min(MAX_PARTS, Math.ceil(size / MAX_COPY_PART_BYTES));
  const partBytes = Math.ceil(size / count);
  const uploadId = await api.startMultipart(to);
  try {
    const parts: Array<{ number: number; etag: string }> = [];
    for (let i = 0; i < count; i++) {
      const start = i * partBytes;
      const end = Math.min(size, start + partBytes);
      parts.push({
        number: i + 1,
        etag: await api.copyPart(to, uploadId, i + 1, from, { start, end }, sourceEtag),
      });
    }
    await api.completeMultipart(to, uploadId, parts, condition);
  } catch (error) {
    await api.abortMultipart(to, uploadId).catch(() => undefined);
    throw error;
  }
}

/** Deletes `key` (the version `etag` when given); false when it did not exist. */
export async function deleteObject(api: S3Api, key: string): Promise<boolean> {
  const head = await api.head(key);
  if (!head) return false;
  try {
    await api.delete(key, head.etag);
    return true;
  } catch (error) {
    if (isNotFoundError(error)) return false;
    throw error;
  }
}

import { randomUUID } from 'node:crypto';
import { FileSystemError } from '../../core';
import { isConditionFailed, type S3Api } from './s3-api';
import type { S3Keys } from './s3-keys';

/** What the store enforces of the conditions the locks and commits need. */
export interface StoreConditions {
  /** A conditional DELETE (If-Match) is refused on a wrong ETag. */
  conditionalDelete: boolean;
  /** A CompleteMultipartUpload with If-Match is refused on a wrong ETag. */
  conditionalComplete: boolean;
}

/**
 * Writes a probe object and checks that the store refuses what the locks rely on: a second
 * `If-None-Match: *` PutObject and an `If-Match` PutObject on a wrong ETag. A store (or SDK) that
 * lets either through cannot lock: the file system refuses to start. It also learns whether the
 * store enforces If-Match on CompleteMultipartUpload and on DeleteObject (where it does not, aiofs
 * compares the ETag itself just before: a narrower fence, see docs/s3.md).
 */
export async function probeConditions(
  api: S3Api,
  keys: S3Keys,
  where: string,
): Promise<StoreConditions> {
  const key = keys.probe(randomUUID());
  await api.put(key, 'probe', { ifNoneMatch: '*' });
  try {
    const ignored: string[] = [];
    if (!(await refused(() => api.put(key, 'again', { ifNoneMatch: '*' })))) {
      ignored.push('If-None-Match: * on PutObject');
    }
    if (!(await refused(() => api.put(key, 'again', { ifMatch: '"aiofs-probe"' })))) {
      ignored.push('If-Match on PutObject');
    }
    if (ignored.length > 0) {
      throw new FileSystemError(
        'ENOTSUP',
        `The S3 store at ${where} ignores ${ignored.join(' and ')}, which aiofs's locks need. Pass unsafeNoLocks: true to run with locks inside this process only (see docs/s3.md)`,
      );
    }
    const conditionalComplete = await refusesCompletion(api, key);
    const conditionalDelete = await refused(() => api.delete(key, '"aiofs-probe"'));
    return { conditionalDelete, conditionalComplete };
  } finally {
    await api.delete(key).catch(() => undefined);
  }
}

async function refused(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return false;
  } catch (error) {
    if (isConditionFailed(error)) return true;
    throw error;
  }
}

/** Whether a multipart upload completed with If-Match on a wrong ETag is refused. */
async function refusesCompletion(api: S3Api, key: string): Promise<boolean> {
  const uploadId = await api.startMultipart(key);
  try {
    const etag = await api.uploadPart(key, uploadId, 1, Buffer.from('probe'));
    return await refused(() =>
      api.completeMultipart(key, uploadId, [{ number: 1, etag }], { ifMatch: '"aiofs-probe"' }),
    );
  } finally {
    await api.abortMultipart(key, uploadId).catch(() => undefined);
  }
}

import { checkLockTtl, DriverFileSystem, InvalidArgumentError } from '../../core';
import { loadSdk } from '../load-sdk';
import { nameOf, S3Api, statusOf, type Sdk } from './s3-api';
import { clientFor, describeBucket } from './s3-client';
import { S3Driver } from './s3-driver';
import { S3Keys } from './s3-keys';
import type { S3FileSystemOptions } from './s3-options';
import { probeConditions } from './s3-probe';
import { checkS3Options } from './s3-settings';

/**
 * A file system on one S3 bucket (and key prefix). The options are checked before anything
 * connects; then the bucket is checked (or created, with `createBucket`), which is also the first
 * round trip: an unreachable store fails here with BackendUnavailableError. Unless
 * `unsafeNoLocks`, a probe then checks that the store refuses conditional writes.
 */
export async function createS3FileSystem(options: S3FileSystemOptions): Promise<DriverFileSystem> {
  const settings = checkS3Options(options);
  const sdk = loadSdk<Sdk>('@aws-sdk/client-s3', 's3');
  const lockTtlMs = checkLockTtl(settings.lockTtlMs);
  const { client, owned } = clientFor(sdk, settings);
  const api = new S3Api(sdk, client, settings.bucket);
  const keys = new S3Keys(settings.prefix);
  const where = describeBucket(settings, client);
  const destroy = () => {
    if (owned) client.destroy();
  };
  try {
    await prepareBucket(api, settings.createBucket, where);
    const conditions = settings.unsafeNoLocks ? undefined : await probeConditions(api, keys, where);
    const driver = new S3Driver(api, keys, where, lockTtlMs, conditions, destroy);
    return new DriverFileSystem(driver, { lockTtlMs });
  } catch (error) {
    destroy();
    const { translateS3Error } = await import('./s3-errors');
    throw translateS3Error(error, where) ?? error;
  }
}

async function prepareBucket(api: S3Api, create: boolean, where: string): Promise<void> {
  try {
    await api.headBucket();
    return;
  } catch (error) {
    const missing =
      statusOf(error) === 404 || nameOf(error) === 'NotFound' || nameOf(error) === 'NoSuchBucket';
    if (!missing) throw error;
    if (!create) {
      throw new InvalidArgumentError(
        `The bucket does not exist: ${where}. Create it, or pass createBucket: true`,
        { cause: error },
      );
    }
  }
  try {
    await api.createBucket();
  } catch (error) {
    const name = nameOf(error);
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  }
}

export { S3Driver };
export type { S3FileSystemOptions };

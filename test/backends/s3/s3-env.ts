import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  ListMultipartUploadsCommand,
  AbortMultipartUploadCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createFileSystem, type FileLikeSystem } from '../../../lib';
import type { S3FileSystemOptions } from '../../../lib/backends/s3/s3-options';
import { MOTO_CREDENTIALS, MOTO_REGION } from '../../servers/moto-server';
import { describeIfRunning } from '../../support/describe-if-running';

/** The global setup's moto server, or why it is missing. */
export const endpoint = process.env.AIOFS_TEST_S3_ENDPOINT ?? '';
const unavailable = process.env.AIOFS_TEST_S3_UNAVAILABLE;

export function s3Unavailable(): string | undefined {
  return unavailable ?? (endpoint ? undefined : 'AIOFS_TEST_S3_ENDPOINT is not set');
}

/** `describe` when moto runs; loud skip (or failure under AIOFS_TEST_REQUIRE_ALL=1) when not. */
export function describeS3(name: string, body: () => void): void {
  describeIfRunning(name, 'moto S3 server', s3Unavailable(), body);
}

let n = 0;

/** A bucket name no other test file uses. */
export function uniqueBucket(label: string): string {
  return `${label}-${process.pid}-${++n}`.toLowerCase();
}

/** Options of a file system on the shared moto server. */
export function s3Options(
  bucket: string,
  extra: Partial<S3FileSystemOptions> = {},
): S3FileSystemOptions {
  return {
    backend: 's3',
    bucket,
    endpoint,
    region: MOTO_REGION,
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
    createBucket: true,
    ...extra,
  };
}

/** The raw SDK's client on the shared moto server. */
export function rawClient(url = endpoint): S3Client {
  return new S3Client({
    endpoint: url,
    region: MOTO_REGION,
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
  });
}

/** Empties and drops a bucket (best effort). */
export async function dropBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    for (const u of uploads.Uploads ?? []) {
      await client.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }),
      );
    }
    for (;;) {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      const keys = (page.Contents ?? []).map((c) => ({ Key: c.Key! }));
      if (keys.length === 0) break;
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    }
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch {
    // gone already, or the server stopped
  }
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Creates file systems on fresh buckets and closes and drops them after each test. */
export function useS3Stores(): {
  raw: S3Client;
  open(
    extra?: Partial<S3FileSystemOptions>,
  ): Promise<{ fs: FileLikeSystem; options: S3FileSystemOptions; bucket: string }>;
} {
  const opened: FileLikeSystem[] = [];
  const buckets: string[] = [];
  const raw = rawClient();
  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((fs) => fs.close()));
    await Promise.allSettled(buckets.splice(0).map((b) => dropBucket(raw, b)));
  });
  afterAll(() => raw.destroy());
  return {
    raw,
    open: async (extra = {}) => {
      const bucket = uniqueBucket('s3-spec');
      buckets.push(bucket);
      const options = s3Options(bucket, extra);
      const fs = await createFileSystem(options);
      opened.push(fs);
      return { fs, options, bucket };
    },
  };
}

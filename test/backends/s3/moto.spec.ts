import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describeS3, useS3Stores } from './s3-env';

async function status(action: Promise<unknown>): Promise<number> {
  try {
    await action;
    return 200;
  } catch (error) {
    return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? -1;
  }
}

async function completed(raw: S3Client, bucket: string, key: string, condition: object) {
  const { UploadId } = await raw.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
  );
  const part = await raw.send(
    new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: 'part' }),
  );
  return status(
    raw.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        ...condition,
      }),
    ),
  );
}

/**
 * What the test server enforces of S3's conditional requests, checked with the raw SDK: the S3
 * suites rely on exactly this. Where moto 5.2.5 does not enforce a condition, the test says so:
 * if a later moto does, it fails, and aiofs's tests there can be made stricter.
 */
describeS3('the moto test server and S3 conditions (raw SDK)', () => {
  const stores = useS3Stores();

  test('PutObject: If-None-Match: * and If-Match on a wrong ETag are refused with 412', async () => {
    const { bucket } = await stores.open();
    const put = (extra: object) =>
      status(
        stores.raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v', ...extra })),
      );
    expect(await put({ IfNoneMatch: '*' })).toBe(200);
    expect(await put({ IfNoneMatch: '*' })).toBe(412);
    expect(await put({ IfMatch: '"0000"' })).toBe(412);
    expect(
      await status(
        stores.raw.send(new GetObjectCommand({ Bucket: bucket, Key: 'k', IfMatch: '"0000"' })),
      ),
    ).toBe(412);
    expect(
      await status(
        stores.raw.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', IfMatch: '"0000"' })),
      ),
    ).toBe(412);
  });

  test('concurrent If-None-Match: * PUTs of one key: exactly one wins, every round (serve.py)', async () => {
    const { bucket } = await stores.open();
    for (let round = 0; round < 40; round++) {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          status(
            stores.raw.send(
              new PutObjectCommand({
                Bucket: bucket,
                Key: `race-${round}`,
                Body: `w${i}`,
                IfNoneMatch: '*',
              }),
            ),
          ),
        ),
      );
      expect({ round, winners: results.filter((s) => s === 200).length }).toEqual({
        round,
        winners: 1,
      });
    }
  });

  test('CompleteMultipartUpload: If-None-Match: * is enforced; If-Match is not (moto 5.2.5; aiofs compares the ETag itself there)', async () => {
    const { bucket } = await stores.open();
    await stores.raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v' }));
    expect(await completed(stores.raw, bucket, 'k', { IfNoneMatch: '*' })).toBe(412);
    expect(await completed(stores.raw, bucket, 'k', { IfMatch: '"0000"' })).toBe(200); // not enforced
  });

  test('CopyObject: neither the destination conditions nor CopySourceIfMatch are enforced (moto 5.2.5)', async () => {
    const { bucket } = await stores.open();
    await stores.raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'A' }));
    await stores.raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'b', Body: 'B' }));
    const copy = (extra: object) =>
      status(
        stores.raw.send(
          new CopyObjectCommand({ Bucket: bucket, Key: 'b', CopySource: `${bucket}/a`, ...extra }),
        ),
      );
    expect(await copy({ IfNoneMatch: '*' })).toBe(200);
    expect(await copy({ IfMatch: '"0000"' })).toBe(200);
    expect(await copy({ CopySourceIfMatch: '"0000"' })).toBe(200);
  });
});

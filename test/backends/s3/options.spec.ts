import { inspect } from 'node:util';
import { HeadBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  BackendUnavailableError,
  BlockingIOError,
  createFileSystem,
  InvalidArgumentError,
  parseFileSystemUrl,
} from '../../../lib';
import { caught } from '../../conformance/expect-error';
import { MOTO_CREDENTIALS, MOTO_REGION } from '../../servers/moto-server';
import { HttpProxy } from '../../support/http-proxy';
import {
  createBucket,
  describeS3,
  dropBucket,
  endpoint,
  rawClient,
  s3Options,
  uniqueBucket,
  useS3Stores,
} from './s3-env';
import { SilentServer } from '../../support/silent-server';

const SECRET = 'SuperSecretKey/ShouldNeverShow+42';
const URL_SAFE_SECRET = 'SuperSecretKeyShouldNeverShow42';

function everything(error: unknown): string {
  return `${inspect(error, { depth: 10 })}\n${JSON.stringify(error)}\n${(error as Error).stack}`;
}

describe('s3 options and URLs (no server needed)', () => {
  test.each([
    [{}, /bucket must be/],
    [{ bucket: 'Bad_Bucket' }, /bucket must be/],
    [{ bucket: 'ab' }, /bucket must be/],
    [{ bucket: 'ok-bucket', prefix: '../up' }, /prefix/],
    [{ bucket: 'ok-bucket', prefix: 7 }, /prefix must be a string/],
    [{ bucket: 'ok-bucket', region: 'Not A Region' }, /region must be like/],
    [{ bucket: 'ok-bucket', endpoint: 'ftp://host' }, /endpoint must be an http/],
    [
      { bucket: 'ok-bucket', endpoint: `http://user:${URL_SAFE_SECRET}@host` },
      /must not carry credentials/,
    ],
    [{ bucket: 'ok-bucket', forcePathStyle: 'yes' }, /forcePathStyle must be a boolean/],
    [{ bucket: 'ok-bucket', createBucket: 1 }, /createBucket must be a boolean/],
    [{ bucket: 'ok-bucket', unsafeNoLocks: 'true' }, /unsafeNoLocks must be a boolean/],
    [{ bucket: 'ok-bucket', credentials: { accessKeyId: 'a' } }, /credentials must be/],
    [{ bucket: 'ok-bucket', client: {} }, /client must be an S3Client/],
    [
      { bucket: 'ok-bucket', client: new S3Client({}), region: 'eu-west-1' },
      /set it on the client/,
    ],
    [{ bucket: 'ok-bucket', lockTtlMs: 0 }, /lockTtlMs/],
    [{ bucket: 'ok-bucket', requestTimeoutMs: 50 }, /requestTimeoutMs must be a whole number/],
    [{ bucket: 'ok-bucket', requestTimeoutMs: '5000' }, /requestTimeoutMs must be a whole number/],
    [
      { bucket: 'ok-bucket', client: new S3Client({}), requestTimeoutMs: 1000 },
      /set it on the client/,
    ],
    [{ bucket: 'ok-bucket', secretAccessKey: SECRET }, /Unknown s3 option 'secretAccessKey'/],
  ])('bad options %# are EINVAL before anything connects', async (extra, message) => {
    const error = await caught(createFileSystem({ backend: 's3', ...extra } as never));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(message);
    expect(everything(error)).not.toContain(SECRET);
    expect(everything(error)).not.toContain(URL_SAFE_SECRET);
  });

  test('s3:// URLs give the bucket, prefix and query options', () => {
    expect(parseFileSystemUrl('s3://my-bucket')).toEqual({ backend: 's3', bucket: 'my-bucket' });
    expect(
      parseFileSystemUrl(
        's3://my-bucket/app/files?region=eu-west-1&endpoint=http://127.0.0.1:9000&forcePathStyle=true&lockTtlMs=5000&createBucket=true',
      ),
    ).toEqual({
      backend: 's3',
      bucket: 'my-bucket',
      prefix: 'app/files',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      lockTtlMs: 5000,
      createBucket: true,
    });
    expect(parseFileSystemUrl('s3://b-1/%E5%85%AC%E5%8F%B8/')).toMatchObject({ prefix: '公司/' });
  });

  test.each([
    `s3://key:${SECRET}@bucket`,
    `s3://bucket?secretAccessKey=${SECRET}`,
    `s3://bucket?accessKeyId=AKIA&sessionToken=${SECRET}`,
    's3://bucket?unknown=1',
    's3://bucket?forcePathStyle=maybe',
    's3://',
  ])('the URL %s is refused without echoing a secret', (url) => {
    let error: unknown;
    try {
      parseFileSystemUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(everything(error)).not.toContain(SECRET);
  });
});

describeS3('s3 against a server', () => {
  const stores = useS3Stores();

  test('a missing bucket is a clear error and creates nothing; createBucket: true creates it', async () => {
    const bucket = uniqueBucket('missing');
    const error = await caught(createFileSystem(s3Options(bucket, { createBucket: undefined })));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain(`bucket '${bucket}'`);
    expect(error.message).toMatch(/createBucket: true/);
    const raw = rawClient();
    expect(
      await raw.send(new HeadBucketCommand({ Bucket: bucket })).then(
        () => 'exists',
        () => 'missing',
      ),
    ).toBe('missing');
    const fs = await createFileSystem(s3Options(bucket));
    await fs.writeFile('a', 'A');
    await fs.close();
    // An existing bucket works without createBucket.
    const again = await createFileSystem(s3Options(bucket, { createBucket: undefined }));
    expect((await again.readFile('a')).toString()).toBe('A');
    await again.close();
    await dropBucket(raw, bucket);
    raw.destroy();
  });

  test("a caller's S3Client is used as it is and left open by close()", async () => {
    const bucket = uniqueBucket('own-client');
    const client = rawClient();
    await createBucket(client, bucket);
    const fs = await createFileSystem({ backend: 's3', bucket, client });
    await fs.writeFile('f.txt', 'mine');
    await fs.close();
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(page.Contents?.map((c) => c.Key)).toEqual(['f.txt']);
    await dropBucket(client, bucket);
    client.destroy();
  });

  test('an endpoint nobody listens on fails at creation with BackendUnavailableError naming endpoint and bucket, never a key', async () => {
    const proxy = await HttpProxy.start(endpoint);
    const dead = proxy.endpoint;
    await proxy.stop();
    const started = Date.now();
    const error = await caught(
      createFileSystem({
        ...s3Options('unreachable-bucket', { endpoint: dead }),
        credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET },
      }),
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.code).toBe('EUNAVAILABLE');
    expect(error.message).toContain(dead);
    expect(error.message).toContain("bucket 'unreachable-bucket'");
    expect(everything(error)).not.toContain(SECRET);
  });

  test('an endpoint that takes connections but never answers fails once requestTimeoutMs passes (3 tries)', async () => {
    const silent = await SilentServer.start();
    const port = silent.port;
    try {
      const started = Date.now();
      const error = await caught(
        createFileSystem({
          ...s3Options('silent-bucket', { endpoint: `http://127.0.0.1:${port}` }),
          credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET },
          requestTimeoutMs: 500,
        }),
      );
      const ms = Date.now() - started;
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect(error.message).toContain("bucket 'silent-bucket'");
      expect(everything(error)).not.toContain(SECRET);
      expect(ms).toBeGreaterThanOrEqual(3 * 450);
      expect(ms).toBeLessThan(15_000);
      expect(silent.sockets.length).toBeGreaterThanOrEqual(1);
    } finally {
      await silent.stop();
    }
  });

  test('a server that goes away mid-use gives BackendUnavailableError on the path, without the secret', async () => {
    const proxy = await HttpProxy.start(endpoint);
    const bucket = uniqueBucket('goes-away');
    const fs = await createFileSystem({
      ...s3Options(bucket, { endpoint: proxy.endpoint }),
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET },
    });
    await fs.writeFile('secret-name.txt', 'x');
    await proxy.stop();
    for (const action of [
      () => fs.readFile('secret-name.txt'),
      () => fs.stat('secret-name.txt'),
      () => fs.ls(),
      () => fs.open('secret-name.txt', 'w'),
      () => fs.ping(),
    ]) {
      const error = await caught(action);
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect(everything(error)).not.toContain(SECRET);
    }
    await fs.close();
    const raw = rawClient();
    await dropBucket(raw, bucket);
    raw.destroy();
  });

  test('a store that ignores conditional writes is refused at start; unsafeNoLocks: true runs with in-process locks', async () => {
    const proxy = await HttpProxy.start(endpoint, { stripConditions: true });
    const bucket = uniqueBucket('no-conditions');
    try {
      const error = await caught(createFileSystem(s3Options(bucket, { endpoint: proxy.endpoint })));
      expect(error.code).toBe('ENOTSUP');
      expect(error.message).toMatch(/ignores If-None-Match: \* on PutObject and If-Match/);
      expect(error.message).toMatch(/unsafeNoLocks: true/);
      const fs = await createFileSystem(
        s3Options(bucket, { endpoint: proxy.endpoint, unsafeNoLocks: true }),
      );
      const w = await fs.open('f.txt', 'w');
      expect(await caught(fs.open('f.txt', 'w'))).toBeInstanceOf(BlockingIOError);
      await w.write('unsafe but working');
      await w.close();
      expect((await fs.readFile('f.txt')).toString()).toBe('unsafe but working');
      const raw = rawClient();
      const page = await raw.send(new ListObjectsV2Command({ Bucket: bucket }));
      expect(page.Contents?.map((c) => c.Key)).toEqual(['f.txt']); // no lock objects
      raw.destroy();
      await fs.close();
    } finally {
      await proxy.stop();
      const raw = rawClient();
      await dropBucket(raw, bucket);
      raw.destroy();
    }
  });

  test('wrong keys on a checking store are EACCES without the secret (moto checks none: the error shape only)', async () => {
    const { fs } = await stores.open();
    expect(fs.backend).toBe('s3');
    const { translateS3Error } = await import('../../../lib/backends/s3/s3-errors');
    const sdkError = Object.assign(
      new Error('The request signature we calculated does not match'),
      {
        name: 'SignatureDoesNotMatch',
        $metadata: { httpStatusCode: 403 },
      },
    );
    const typed = translateS3Error(sdkError, "bucket 'b' at http://host", 'p.txt')!;
    expect((typed as { code?: string }).code).toBe('EACCES');
    expect(typed.message).toBe(
      "S3 refused access to bucket 'b' at http://host for 'p.txt': SignatureDoesNotMatch; check the credentials and their permissions",
    );
  });

  test('the region defaults to us-east-1 with an endpoint; ping is a HeadBucket', async () => {
    const { fs } = await stores.open({ region: undefined });
    expect(await fs.ping()).toBeGreaterThanOrEqual(0);
    expect(MOTO_REGION).toBe('us-east-1');
    expect(MOTO_CREDENTIALS.accessKeyId).toBeTruthy();
  });
});

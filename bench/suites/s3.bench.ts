import type { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Driver as S3DriverClass } from 'flydrive/build/drivers/s3/main';
import { createStorage } from 'unstorage';
import s3Driver from 'unstorage/drivers/s3';
import { createFileSystem } from '../../lib';
import { MOTO_CREDENTIALS, MOTO_REGION, MotoServer } from '../../test/servers/moto-server';
import type { Bench } from '../harness';
import { MiB, runMatrix, type Subject } from '../matrix';
import { loadOpendal, versionOf } from '../peers';
import { aiofsScanSubject, aiofsSubject, opendalSubject, unstorageSubject } from '../subjects';

const BUCKET = 'bench';

/** The raw SDK as its documentation shows each call. */
function rawSubject(client: S3Client): Subject {
  return {
    id: 'raw',
    kind: 'raw',
    label: '@aws-sdk/client-s3',
    read: async (path) =>
      (
        await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: path }))
      ).Body!.transformToByteArray(),
    write: (path, data) =>
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: path, Body: data })),
    readRange: async (path, start, length) =>
      (
        await client.send(
          new GetObjectCommand({
            Bucket: BUCKET,
            Key: path,
            Range: `bytes=${start}-${start + length - 1}`,
          }),
        )
      ).Body!.transformToByteArray(),
    list: async (prefix) => {
      let n = 0;
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: BUCKET,
            Prefix: `${prefix}/`,
            ContinuationToken: token,
          }),
        );
        n += page.KeyCount ?? 0;
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return n;
    },
    writeStream: (path, source) =>
      new Upload({ client, params: { Bucket: BUCKET, Key: path, Body: source } }).done(),
    readStream: async (path) =>
      (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: path }))).Body as Readable,
  };
}

/** lib-storage's Upload: the SDK's own multipart writer, the reference for large writes. */
function uploadSubject(client: S3Client): Subject {
  return {
    id: 'raw-upload',
    kind: 'raw',
    label: '@aws-sdk/lib-storage Upload',
    only: ['write', 'streamWrite'],
    write: (path, data) =>
      new Upload({ client, params: { Bucket: BUCKET, Key: path, Body: data } }).done(),
    writeStream: (path, source) =>
      new Upload({ client, params: { Bucket: BUCKET, Key: path, Body: source } }).done(),
  };
}

async function flydriveSubject(endpoint: string): Promise<Subject> {
  const { Disk } = await import('flydrive');
  // flydrive's subpath exports are invisible to the project's node10 resolution: typed from its
  // build folder, loaded by its public name.
  const driverModule: string = 'flydrive/drivers/s3';
  const { S3Driver } = (await import(driverModule)) as { S3Driver: typeof S3DriverClass };
  const disk = new Disk(
    new S3Driver({
      credentials: MOTO_CREDENTIALS,
      region: MOTO_REGION,
      endpoint,
      forcePathStyle: true,
      bucket: BUCKET,
      visibility: 'private',
      supportsACL: false,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );
  return {
    id: 'flydrive',
    kind: 'flydrive',
    label: 'flydrive (s3 driver)',
    cannot: { range: 'no range reads' },
    read: (path) => disk.getBytes(path),
    write: (path, data) => disk.put(path, data),
    list: async (prefix) => {
      const { objects } = await disk.listAll(prefix, { recursive: true });
      let n = 0;
      for (const _ of objects) n++;
      return n;
    },
    writeStream: (path, source) => disk.putStream(path, source),
    readStream: (path) => disk.getStream(path),
  };
}

/** The S3 backend, the raw SDK, unstorage, OpenDAL and flydrive on one private moto server. */
export async function s3Suite(bench: Bench): Promise<void | string> {
  let server: MotoServer;
  try {
    server = await MotoServer.start();
  } catch (error) {
    return (error as Error).message;
  }
  const client = new S3Client({
    endpoint: server.endpoint,
    region: MOTO_REGION,
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
    // What aiofs sets for an endpoint of an S3-compatible store: the same work on both sides.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const fs = await createFileSystem({
    backend: 's3',
    bucket: BUCKET,
    endpoint: server.endpoint,
    region: MOTO_REGION,
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
  });
  const storage = createStorage({
    driver: s3Driver({
      accessKeyId: MOTO_CREDENTIALS.accessKeyId,
      secretAccessKey: MOTO_CREDENTIALS.secretAccessKey,
      endpoint: server.endpoint,
      region: MOTO_REGION,
      bucket: BUCKET,
    }),
  });
  try {
    bench.versions.moto = '5.2.5';
    bench.versions['@aws-sdk/client-s3'] = versionOf('@aws-sdk/client-s3') ?? '?';
    const subjects: Subject[] = [
      rawSubject(client),
      uploadSubject(client),
      aiofsSubject(fs),
      aiofsScanSubject(fs),
      unstorageSubject(storage, 's3'),
    ];
    const opendal = loadOpendal();
    if (typeof opendal === 'string') bench.skip(`OpenDAL rows: ${opendal}`);
    else {
      const op = new opendal.Operator('s3', {
        bucket: BUCKET,
        endpoint: server.endpoint,
        region: MOTO_REGION,
        access_key_id: MOTO_CREDENTIALS.accessKeyId,
        secret_access_key: MOTO_CREDENTIALS.secretAccessKey,
        root: '/',
      });
      subjects.push(opendalSubject(op, 's3'));
    }
    try {
      subjects.push(await flydriveSubject(server.endpoint));
    } catch (error) {
      subjects.push({
        id: 'flydrive',
        kind: 'flydrive',
        label: 'flydrive',
        unavailable: `its s3 driver does not load: ${(error as Error).message}`,
      });
    }
    const quick = bench.options.quick;
    await runMatrix(bench, {
      backend: 's3',
      subjects,
      // moto answers a listing in time that grows with every key of the bucket; 110 000 keys
      // beside the other workloads' data would take most of an hour to store and list.
      lists: quick ? [200] : [10_000],
      // moto answers a ranged GET by copying the whole object in Python first: a 4 KiB range of
      // 256 MiB costs it ~0.1 s, for every library alike (S3 itself does not). 16 MiB keeps the
      // range workload about the GET, not about moto.
      rangeFile: 16 * MiB,
      skipLists: quick
        ? undefined
        : {
            counts: [100_000],
            reason:
              'not run: moto (in Python, one process) stores and lists 110 000 keys too slowly',
          },
      fillList: async (prefix, count) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            for (let i = next++; i < count; i = next++) {
              await client.send(
                new PutObjectCommand({
                  Bucket: BUCKET,
                  Key: `${prefix}/d${i % 100}/f${i}`,
                  Body: 'x',
                }),
              );
            }
          }),
        );
      },
    });
  } finally {
    await fs.close();
    client.destroy();
    await server.stop();
  }
}

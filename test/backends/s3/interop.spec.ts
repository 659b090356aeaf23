import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { InvalidPathError } from '../../../lib';
import { caught } from '../../conformance/expect-error';
import { describeS3, useS3Stores } from './s3-env';
import { expectReadsBack } from '../../support/read-back';

const MiB = 1024 * 1024;

async function rawGet(raw: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await raw.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

async function rawKeys(raw: S3Client, bucket: string): Promise<string[]> {
  const out = await raw.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((c) => c.Key!).sort();
}

describeS3('s3: other clients, the key layout and multipart objects', () => {
  const stores = useS3Stores();

  test('an object written by the raw SDK reads back through aiofs (whole, ranges, stream, r handle, stat, ls)', async () => {
    const { fs, bucket } = await stores.open();
    const data = randomBytes(9 * MiB + 17);
    await new Upload({
      client: stores.raw,
      params: { Bucket: bucket, Key: 'dir/raw.bin', Body: data },
      partSize: 5 * MiB,
    }).done();
    await stores.raw.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'dir/small.txt', Body: 'hi' }),
    );
    await expectReadsBack(fs, 'dir/raw.bin', data);
    const head = await stores.raw.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'dir/raw.bin' }),
    );
    expect((await fs.stat('dir/raw.bin')).etag).toBe(head.ETag);
    expect(await fs.ls('dir/*')).toEqual(['dir/raw.bin', 'dir/small.txt']);
    expect((await fs.readFile('dir/small.txt')).toString()).toBe('hi');
  });

  test('objects written through aiofs read back with the raw SDK at prefix + path', async () => {
    const { fs, bucket } = await stores.open({ prefix: 'app/files' });
    const data = randomBytes(2 * 8 * MiB + 5);
    await pipeline(
      Readable.from([data.subarray(0, 3 * MiB), data.subarray(3 * MiB)]),
      await fs.openWriteStream('s.bin'),
    );
    expect((await rawGet(stores.raw, bucket, 'app/files/s.bin')).equals(data)).toBe(true);
    const head = await stores.raw.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'app/files/s.bin' }),
    );
    expect(head.ETag).toMatch(/-3"$/); // a multipart object of three parts
    await fs.writeFile('公司/合作协议.doc', 'unicode');
    expect((await rawGet(stores.raw, bucket, 'app/files/公司/合作协议.doc')).toString()).toBe(
      'unicode',
    );
    expect(await rawKeys(stores.raw, bucket)).toEqual([
      'app/files/s.bin',
      'app/files/公司/合作协议.doc',
    ]);
  });

  test('the prefix fences the file system: keys outside it are not listed', async () => {
    const { fs, bucket } = await stores.open({ prefix: 'tenant-a' });
    await stores.raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'tenant-b/x', Body: 'b' }));
    await stores.raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'tenant-a2', Body: 'b' }));
    await fs.writeFile('x', 'a');
    expect(await fs.ls()).toEqual(['x']);
    expect((await fs.readFile('x')).toString()).toBe('a');
  });

  test('keys aiofs cannot address are not listed (lock objects, a//b, folder markers)', async () => {
    const { fs, bucket } = await stores.open();
    for (const key of ['a//b', 'folder/', 'x/./y', '.aiofs-locks/abc', 'ok.txt']) {
      await stores.raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'k' }));
    }
    const w = await fs.open('held.txt', 'w'); // a lock object exists while it is open
    expect((await rawKeys(stores.raw, bucket)).some((k) => k.startsWith('.aiofs-locks/'))).toBe(
      true,
    );
    expect(await fs.ls()).toEqual(['ok.txt']);
    const scanned: string[] = [];
    for await (const p of fs.scan()) scanned.push(p);
    expect(scanned).toEqual(['ok.txt']);
    await w.close();
    expect(await fs.ls()).toEqual(['held.txt', 'ok.txt']);
    const error = await caught(fs.readFile('.aiofs-locks/abc'));
    expect(error).toBeInstanceOf(InvalidPathError);
  });

  test('releasing a lock removes its lock object; nothing of aiofs stays in the bucket', async () => {
    const { fs, bucket } = await stores.open();
    await fs.writeFile('a.txt', 'A');
    await fs.open('b.txt', 'w', async (f) => {
      await f.write('B');
    });
    const r = await fs.open('a.txt', 'r+');
    await r.abort();
    await fs.cp('a.txt', 'c.txt');
    await fs.mv('c.txt', 'd.txt');
    await fs.rm('b.txt');
    expect(await rawKeys(stores.raw, bucket)).toEqual(['a.txt', 'd.txt']);
  });

  test('listing goes past one page of 1000 keys', async () => {
    const { fs, bucket } = await stores.open();
    const names = Array.from({ length: 1050 }, (_, i) => `many/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(
        names
          .slice(i, i + 50)
          .map((Key) => stores.raw.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }))),
      );
    }
    expect(await fs.ls('many/*')).toEqual(names);
    let count = 0;
    for await (const p of fs.scan('many/001*')) if (p) count++;
    expect(count).toBe(100);
  });
});

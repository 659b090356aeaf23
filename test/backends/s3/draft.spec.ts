import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  BlockingIOError,
  createFileSystem,
  FileSystemError,
  type FileLikeSystem,
} from '../../../lib';
import { PART_BYTES } from '../../../lib/backends/s3/s3-parts';
import { caught, sleep } from '../../conformance/expect-error';
import { HttpProxy } from '../../support/http-proxy';
import {
  createBucket,
  describeS3,
  dropBucket,
  endpoint,
  rawClient,
  s3Options,
  uniqueBucket,
} from './s3-env';

const MiB = 1024 * 1024;

interface S3LockLike {
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/** A caller's client that records the name and body size of every command it sends. */
function recordingClient(url = endpoint): {
  client: S3Client;
  calls: Array<{ name: string; bytes: number }>;
} {
  const client = rawClient(url);
  const calls: Array<{ name: string; bytes: number }> = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const body = (args.input as { Body?: unknown }).Body;
      calls.push({
        name: context.commandName ?? '?',
        bytes: Buffer.isBuffer(body) ? body.length : typeof body === 'string' ? body.length : 0,
      });
      return next(args);
    },
    { step: 'initialize', name: 'aiofsTestRecorder' },
  );
  return { client, calls };
}

async function rawGet(raw: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await raw.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

async function openUploads(raw: S3Client, bucket: string): Promise<number> {
  const out = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return out.Uploads?.length ?? 0;
}

/** Waits (up to 10 s) for the draft's parts in flight to have started their upload. */
async function uploadStarted(raw: S3Client, bucket: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  let count = await openUploads(raw, bucket);
  while (count === 0 && Date.now() < deadline) {
    await sleep(50);
    count = await openUploads(raw, bucket);
  }
  return count;
}

describeS3('s3: multipart drafts, fenced commits, pinned reads', () => {
  const raw = rawClient();
  const buckets: string[] = [];
  const opened: FileLikeSystem[] = [];
  const clients: S3Client[] = [];
  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((fs) => fs.close()));
    await Promise.allSettled(buckets.splice(0).map((b) => dropBucket(raw, b)));
    for (const c of clients.splice(0)) c.destroy();
  });
  afterAll(() => raw.destroy());

  async function store(extra = {}) {
    const bucket = uniqueBucket('s3-draft');
    buckets.push(bucket);
    const { client, calls } = recordingClient();
    clients.push(client);
    await createBucket(client, bucket);
    const fs = await createFileSystem({ backend: 's3', bucket, client, ...extra });
    opened.push(fs);
    calls.length = 0;
    return { fs, bucket, calls };
  }

  test("'a' on a large file copies its bytes on the server (UploadPartCopy) and uploads only the new ones", async () => {
    const { fs, bucket, calls } = await store();
    const base = randomBytes(3 * PART_BYTES + 123);
    await fs.writeFile('big.bin', base);
    calls.length = 0;
    await fs.open('big.bin', 'a', async (f) => {
      await f.write('tail');
    });
    const uploaded = calls.filter(
      (c) => c.name === 'UploadPartCommand' || c.name === 'PutObjectCommand',
    );
    expect(calls.some((c) => c.name === 'UploadPartCopyCommand')).toBe(true);
    expect(uploaded.reduce((n, c) => n + c.bytes, 0)).toBeLessThan(1024 + 1024); // 'tail' + lock writes
    expect(
      (await rawGet(raw, bucket, 'big.bin')).equals(Buffer.concat([base, Buffer.from('tail')])),
    ).toBe(true);
  });

  test("'r+' changing a few bytes of a large file uploads about a part, copies the rest", async () => {
    const { fs, bucket, calls } = await store();
    const base = randomBytes(4 * PART_BYTES);
    await fs.writeFile('big.bin', base);
    calls.length = 0;
    await fs.open('big.bin', 'r+', async (f) => {
      await f.seek(2 * PART_BYTES + 5);
      await f.write('XYZ');
    });
    const uploaded = calls
      .filter((c) => c.name === 'UploadPartCommand')
      .reduce((n, c) => n + c.bytes, 0);
    expect(uploaded).toBeGreaterThanOrEqual(3);
    expect(uploaded).toBeLessThanOrEqual(PART_BYTES);
    expect(calls.filter((c) => c.name === 'UploadPartCopyCommand').length).toBeGreaterThanOrEqual(
      2,
    );
    const expected = Buffer.from(base);
    expected.write('XYZ', 2 * PART_BYTES + 5);
    expect((await rawGet(raw, bucket, 'big.bin')).equals(expected)).toBe(true);
  });

  test('a write stream uploads full parts as it goes, in bounded parts, and completes once at close', async () => {
    const { fs, bucket, calls } = await store();
    const data = randomBytes(5 * PART_BYTES + 7);
    await pipeline(
      Readable.from(
        Array.from({ length: 41 }, (_, i) => data.subarray(i * 1 * MiB, (i + 1) * 1 * MiB)),
      ),
      await fs.openWriteStream('s.bin'),
    );
    const parts = calls.filter((c) => c.name === 'UploadPartCommand');
    expect(parts.length).toBe(6);
    expect(Math.max(...parts.map((p) => p.bytes))).toBeLessThanOrEqual(PART_BYTES);
    expect(calls.filter((c) => c.name === 'CompleteMultipartUploadCommand')).toHaveLength(1);
    expect((await rawGet(raw, bucket, 's.bin')).equals(data)).toBe(true);
  });

  test('abort(), an exception in the body and closing the file system abort the multipart upload', async () => {
    const { fs, bucket } = await store();
    const big = randomBytes(2 * PART_BYTES + 1);
    const w = await fs.open('a.bin', 'w');
    await w.write(big);
    expect(await uploadStarted(raw, bucket)).toBe(1);
    await w.abort();
    expect(await openUploads(raw, bucket)).toBe(0);
    await expect(
      fs.open('b.bin', 'x', async (f) => {
        await f.write(big);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await openUploads(raw, bucket)).toBe(0);
    const stream = await fs.openWriteStream('c.bin');
    await new Promise<void>((resolve, reject) =>
      stream.write(big, (e) => (e ? reject(e) : resolve())),
    );
    expect(await uploadStarted(raw, bucket)).toBe(1);
    await fs.close();
    expect(await openUploads(raw, bucket)).toBe(0);
    const keys = await raw.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(keys.Contents ?? []).toEqual([]);
  });

  test.each([
    ['a small file (PutObject If-Match)', 100, 'w'],
    ['a large file (multipart, If-Match)', 2 * PART_BYTES + 3, 'w'],
    ['a new small file (If-None-Match: *)', 100, 'x'],
    ['a new large file (multipart, If-None-Match: *)', 2 * PART_BYTES + 3, 'x'],
  ] as const)(
    'a commit over content another client changed meanwhile is refused: %s; the newer content stays',
    async (_label, size, mode) => {
      const { fs, bucket } = await store();
      if (mode === 'w') await fs.writeFile('f.bin', 'old');
      const w = await fs.open('f.bin', mode);
      await w.write(randomBytes(size));
      // Another tool writes the object behind the lock's back.
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'f.bin', Body: 'newer' }));
      const error = await caught(w.close());
      expect(error).toBeInstanceOf(BlockingIOError);
      expect(error.message).toMatch(/lost/);
      expect((await rawGet(raw, bucket, 'f.bin')).toString()).toBe('newer');
      expect(await openUploads(raw, bucket)).toBe(0);
    },
  );

  test('a lock left by a dead holder is taken over on the server clock by a file system that never saw it', async () => {
    const bucket = uniqueBucket('s3-dead-lock');
    buckets.push(bucket);
    const holder = await createFileSystem(s3Options(bucket, { lockTtlMs: 1000 }));
    opened.push(holder);
    const w = await holder.open('f.txt', 'w');
    // The holder stops renewing (as if killed): freeze nothing, just drop its renewals.
    (w as unknown as { source: { lease: { release(): void } } }).source.lease.release = () =>
      undefined;
    clearTimeout(
      (w as unknown as { source: { lease: { timer: NodeJS.Timeout } } }).source.lease.timer,
    );
    (w as unknown as { source: { lease: { released: boolean } } }).source.lease.released = true;
    await sleep(3200); // > TTL + two whole seconds of the server's clock
    const fresh = await createFileSystem(s3Options(bucket, { lockTtlMs: 1000 }));
    opened.push(fresh);
    const started = Date.now();
    const f = await fresh.open('f.txt', 'w'); // no waiting: the server says it expired
    expect(Date.now() - started).toBeLessThan(1000);
    await f.write('taken over');
    await f.close();
    expect(await caught(w.close())).toBeInstanceOf(BlockingIOError);
    expect((await fresh.readFile('f.txt')).toString()).toBe('taken over');
  });

  test('renewals at once all hold; a release racing a renewal still removes the lock object', async () => {
    const { fs, bucket } = await store();
    const driver = (
      fs as unknown as { driver: { lock(p: string, t: number): Promise<S3LockLike> } }
    ).driver;
    for (let round = 0; round < 20; round++) {
      const lock = (await driver.lock('raced.txt', 30_000))!;
      const renewals = [lock.renew(), lock.renew()];
      await new Promise((resolve) => setTimeout(resolve, round % 5)); // a renewal in flight
      const released = lock.release();
      await Promise.all(renewals); // true, or false once released: never a stale ETag left
      await released;
      const keys = (await raw.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? [];
      expect({ round, left: keys.map((k) => k.Key) }).toEqual({ round, left: [] });
    }
    const a = (await driver.lock('twice.txt', 30_000))!;
    expect(await Promise.all([a.renew(), a.renew(), a.renew()])).toEqual([true, true, true]);
    await a.release();
  });

  test('a live lock is never taken over, however often others try', async () => {
    const bucket = uniqueBucket('s3-live-lock');
    buckets.push(bucket);
    const a = await createFileSystem(s3Options(bucket, { lockTtlMs: 1000 }));
    const b = await createFileSystem(s3Options(bucket, { lockTtlMs: 1000 }));
    opened.push(a, b);
    const w = await a.open('f.txt', 'w');
    await w.write('holder');
    const until = Date.now() + 4000;
    let tries = 0;
    while (Date.now() < until) {
      expect(await caught(b.open('f.txt', 'w'))).toBeInstanceOf(BlockingIOError);
      tries++;
      await sleep(25);
    }
    expect(tries).toBeGreaterThan(20);
    await w.close();
    expect((await b.readFile('f.txt')).toString()).toBe('holder');
  });

  test('an r handle on a large object reads from a hidden snapshot, deleted at close; a versioned bucket pins the version instead', async () => {
    for (const versioned of [false, true]) {
      const { fs, bucket } = await store();
      if (versioned) {
        await raw.send(
          new PutBucketVersioningCommand({
            Bucket: bucket,
            VersioningConfiguration: { Status: 'Enabled' },
          }),
        );
      }
      const a = Buffer.alloc(3 * MiB, 'A');
      await fs.writeFile('f.bin', a);
      const r = await fs.open('f.bin');
      const keys = async () =>
        ((await raw.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map(
          (c) => c.Key,
        );
      expect((await keys()).some((k) => k!.startsWith('.aiofs-snapshots/'))).toBe(!versioned);
      await fs.writeFile('f.bin', Buffer.alloc(3 * MiB, 'B'));
      await r.seek(2 * MiB);
      expect((await r.read()).equals(a.subarray(2 * MiB))).toBe(true);
      await r.close();
      expect(await keys()).toEqual(['f.bin']);
      expect(await fs.ls()).toEqual(['f.bin']);
    }
  });

  test('a read stream whose connection breaks resumes on the same version; after a commit it stops with an error instead of mixing', async () => {
    const proxy = await HttpProxy.start(endpoint);
    try {
      const bucket = uniqueBucket('s3-resume');
      buckets.push(bucket);
      const fs = await createFileSystem(s3Options(bucket, { endpoint: proxy.endpoint }));
      opened.push(fs);
      const data = randomBytes(6 * MiB);
      await fs.writeFile('f.bin', data);
      proxy.options.cutGetAfterBytes = 2 * MiB;
      const chunks: Buffer[] = [];
      for await (const chunk of await fs.openReadStream('f.bin')) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(data)).toBe(true);
      expect(proxy.options.cutGetAfterBytes).toBeUndefined(); // the cut happened

      proxy.options.cutGetAfterBytes = 2 * MiB;
      const stream = await fs.openReadStream('f.bin');
      let committed = false;
      const error = await (async () => {
        try {
          for await (const chunk of stream) {
            if (!committed) {
              committed = true;
              await fs.writeFile('f.bin', randomBytes(6 * MiB));
            }
            void chunk;
          }
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(FileSystemError);
      expect(error!.message).toMatch(/changed while it was being streamed/);
    } finally {
      await proxy.stop();
    }
  });
});

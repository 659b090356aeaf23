import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import {
  BackendUnavailableError,
  BlockingIOError,
  createFileSystem,
  FileSystemError,
  type FileLikeSystem,
} from '../../../lib';
import { caught, sleep } from '../../conformance/expect-error';
import { RedisServer } from '../../servers/redis-servers';
import { describeRedis } from './redis-env';

const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;

/** Retries `action` until it succeeds or `ms` passed. */
async function eventually<T>(action: () => Promise<T>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

function expectUnavailable(error: Error & { code?: string }, server: RedisServer): void {
  expect(error).toBeInstanceOf(BackendUnavailableError);
  expect(error.code).toBe('EUNAVAILABLE');
  expect(error.message).toContain(server.address);
  expect(error.message).toContain("'redis'");
  expect(error.message).not.toContain(PASSWORD);
  expect(JSON.stringify(error)).not.toContain(PASSWORD);
}

describeRedis('redis: a server that goes away', () => {
  let server: RedisServer;
  let fs: FileLikeSystem;

  beforeEach(async () => {
    // AOF with fsync at every write: a killed server comes back with what it had.
    server = await RedisServer.start({
      password: PASSWORD,
      args: ['--appendonly', 'yes', '--appendfsync', 'always'],
    });
    fs = await createFileSystem({ backend: 'redis', url: server.url, keyPrefix: 'f:' });
  });

  afterEach(async () => {
    await fs.close();
    await server.stop();
  });

  test('a stopped server is BackendUnavailableError at once; the same file system recovers', async () => {
    await fs.writeFile('a.txt', 'before');
    await server.kill();
    for (const call of [
      () => fs.readFile('a.txt'),
      () => fs.writeFile('a.txt', 'x'),
      () => fs.ls(),
      () => fs.open('a.txt', 'w'),
      () => fs.stat('a.txt'),
      () => fs.ping(),
    ]) {
      const started = Date.now();
      const error = await caught(call);
      expect(Date.now() - started).toBeLessThan(5000);
      expectUnavailable(error, server);
    }
    await server.restart();
    expect((await eventually(() => fs.readFile('a.txt'))).toString()).toBe('before');
    await fs.writeFile('a.txt', 'after');
    expect(await fs.ls()).toEqual(['a.txt']);
    expect(await fs.ping()).toBeGreaterThanOrEqual(0);
  });

  test('a server that hangs is BackendUnavailableError after replyTimeoutMs', async () => {
    const quick = await createFileSystem({
      backend: 'redis',
      url: server.url,
      keyPrefix: 'f:',
      replyTimeoutMs: 300,
    });
    try {
      await quick.writeFile('a.txt', 'x');
      server.pause();
      const started = Date.now();
      const [first, second] = await Promise.all([
        caught(quick.readFile('a.txt')),
        caught(quick.stat('a.txt')),
      ]);
      expect(Date.now() - started).toBeLessThan(3000);
      expectUnavailable(first, server);
      expect(first.message).toMatch(/timed out/);
      expectUnavailable(second, server);
      server.resume();
      expect((await eventually(() => quick.readFile('a.txt'))).toString()).toBe('x');
    } finally {
      server.resume();
      await quick.close();
    }
  });

  test('a writer whose server went away mid-write commits nothing, even after it is back', async () => {
    await fs.writeFile('big.bin', 'old');
    const data = randomBytes(4 * 1024 * 1024);
    const w = await fs.open('big.bin', 'w');
    await w.write(data.subarray(0, 2 * 1024 * 1024)); // sent to the temp key at once
    await server.kill();
    expectUnavailable(await caught(w.write(data.subarray(2 * 1024 * 1024))), server);
    await server.restart(); // with the old value, the lock and the temp key (AOF)
    await eventually(() => fs.ping());
    const error = await caught(w.close());
    expect(error).toBeInstanceOf(FileSystemError);
    expect(error.message).toMatch(/earlier change/);
    expect((await fs.readFile('big.bin')).toString()).toBe('old');
    // close() released the lock and dropped the temp key
    await fs.writeFile('big.bin', 'free again');
    const raw = new Redis(server.url);
    expect(await raw.keys('*')).toEqual(['f:big.bin']);
    raw.disconnect();
  });

  test('a server restarted empty: the writer finds its lock gone and commits nothing', async () => {
    const empty = await RedisServer.start({ password: PASSWORD });
    const efs = await createFileSystem({ backend: 'redis', url: empty.url, keyPrefix: 'e:' });
    try {
      const w = await efs.open('f.txt', 'w');
      await w.write('half of it');
      await empty.restart();
      await eventually(() => efs.ping());
      const error = await caught(w.close());
      expect(error).toBeInstanceOf(BlockingIOError);
      expect(error.message).toMatch(/lost/);
      expect(await efs.ls()).toEqual([]);
    } finally {
      await efs.close();
      await empty.stop();
    }
  });

  test('a read stream whose server goes away errors with BackendUnavailableError', async () => {
    await fs.writeFile('big.bin', randomBytes(4 * 1024 * 1024));
    const stream = await fs.openReadStream('big.bin');
    const failed = new Promise<Error>((resolve) => stream.once('error', resolve));
    await new Promise((resolve) => stream.once('readable', resolve));
    await server.kill();
    stream.resume();
    expectUnavailable((await failed) as Error & { code?: string }, server);
  });

  test('a snapshot lost with a server restarted empty is an error, never other bytes', async () => {
    const empty = await RedisServer.start();
    const efs = await createFileSystem({ backend: 'redis', url: empty.url });
    try {
      await efs.writeFile('big.bin', randomBytes(3 * 1024 * 1024));
      const r = await efs.open('big.bin');
      const stream = await efs.openReadStream('big.bin');
      await new Promise((resolve) => stream.once('readable', resolve));
      await empty.restart();
      await eventually(() => efs.ping());
      const error = await caught(r.read());
      expect(error).toBeInstanceOf(FileSystemError);
      expect(error.message).toMatch(/snapshot .* vanished/);
      const streamError = new Promise<Error>((resolve) => stream.once('error', resolve));
      stream.resume();
      expect((await streamError).message).toMatch(/snapshot .* vanished/);
      await r.close();
    } finally {
      await efs.close();
      await empty.stop();
    }
  });

  test('a wrong or missing password is BackendUnavailableError without the secret', async () => {
    for (const url of [
      `redis://127.0.0.1:${server.port}`,
      `redis://:wrong-${PASSWORD}@127.0.0.1:${server.port}`,
    ]) {
      const error = await caught(createFileSystem({ backend: 'redis', url }));
      expectUnavailable(error, server);
      expect(error.message).toMatch(/authentication|NOAUTH/i);
    }
  });
});

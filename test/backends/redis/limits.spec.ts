import Redis from 'ioredis';
import { createFileSystem, FileSystemError } from '../../../lib';
import { caught, sleep } from '../../conformance/expect-error';
import { RedisServer } from '../../servers/redis-servers';
import { describeRedis, useRedis } from './redis-env';

const MiB = 1024 * 1024;
const LIMIT = 512 * MiB;

function expectTooLarge(error: Error & { code?: string }): void {
  expect(error).toBeInstanceOf(FileSystemError);
  expect(error.code).toBe('EFBIG');
}

describeRedis('redis: the 512 MiB string limit', () => {
  const redis = useRedis();

  test('writeFile of more than 512 MiB is EFBIG before anything is sent; the old value stays', async () => {
    const fs = await redis.open();
    await fs.writeFile('f', 'old');
    const huge = Buffer.allocUnsafe(LIMIT + 1); // never filled, so never in memory
    const error = await caught(fs.writeFile('f', huge));
    expectTooLarge(error);
    expect(error.message).toMatch(/512 MiB/);
    expect(error.path).toBe('f');
    expect((await fs.readFile('f')).toString()).toBe('old');
  });

  test('a write or truncate past 512 MiB on a handle is EFBIG; the handle goes on', async () => {
    const fs = await redis.open();
    await fs.writeFile('f', 'old');
    const f = await fs.open('f', 'w+');
    await f.write('abc');
    await f.seek(LIMIT);
    expectTooLarge(await caught(f.write('x')));
    expect(f.tell()).toBe(LIMIT);
    expectTooLarge(await caught(f.truncate(LIMIT + 1)));
    expect((await fs.readFile('f')).toString()).toBe('old');
    await f.seek(0);
    await f.write('ok');
    await f.close();
    expect((await fs.readFile('f')).toString()).toBe('okc');
  });

  test('an append that would take a file already near the limit past it is EFBIG', async () => {
    const server = await RedisServer.start();
    const raw = new Redis(server.url);
    const fs = await createFileSystem({ backend: 'redis', url: server.url });
    try {
      // 512 MiB − 3 bytes, made on the server: SETRANGE zero-fills up to the offset.
      await raw.setrange('near', LIMIT - 4, 'end');
      const f = await fs.open('near', 'a');
      expect(f.tell()).toBe(LIMIT - 1);
      expectTooLarge(await caught(f.write('12')));
      expect(f.tell()).toBe(LIMIT - 1);
      await f.write('!'); // exactly 512 MiB is still a string
      await f.abort();
      expect(await raw.strlen('near')).toBe(LIMIT - 1);
      expect((await raw.getrangeBuffer('near', LIMIT - 4, -1)).toString()).toBe('end');
    } finally {
      await fs.close();
      raw.disconnect();
      await server.stop();
    }
  }, 60_000);

  test("a server's own lower limit (proto-max-bulk-len) is EFBIG too, and the old value stays", async () => {
    const server = await RedisServer.start({ args: ['--proto-max-bulk-len', '2mb'] });
    const fs = await createFileSystem({ backend: 'redis', url: server.url });
    try {
      await fs.writeFile('f', 'old');
      const f = await fs.open('f', 'w');
      const piece = Buffer.alloc(MiB / 4, 7);
      let error: (Error & { code?: string }) | undefined;
      for (let i = 0; i < 16 && !error; i++)
        error = await f.write(piece).then(
          () => undefined,
          (e: Error) => e,
        );
      expectTooLarge(error!);
      expect(error!.message).toMatch(/proto-max-bulk-len/);
      expect(await caught(f.close())).toBeInstanceOf(FileSystemError);
      expect((await fs.readFile('f')).toString()).toBe('old');
      // One request bigger than the limit: the server refuses it and drops the connection,
      // sometimes before its refusal reaches us (a race on the server's side).
      const refused = await caught(fs.writeFile('f', Buffer.alloc(3 * MiB, 1)));
      expect(refused).toBeInstanceOf(FileSystemError);
      expect(['EFBIG', 'EUNAVAILABLE']).toContain(refused.code);
      let after: Buffer | undefined;
      for (let i = 0; i < 100 && !after; i++) {
        after = await fs.readFile('f').catch(() => sleep(20).then(() => undefined));
      }
      expect(after!.toString()).toBe('old');
    } finally {
      await fs.close();
      await server.stop();
    }
  });
});

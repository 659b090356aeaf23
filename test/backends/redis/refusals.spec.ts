import Redis from 'ioredis';
import {
  BackendUnavailableError,
  createFileSystem,
  FileSystemError,
  type FileLikeSystem,
} from '../../../lib';
import { caught, sleep } from '../../conformance/expect-error';
import { RedisServer } from '../../servers/redis-servers';
import { describeRedis } from './redis-env';

/** Servers that are up but say no: each refusal is typed. */
describeRedis('redis: a server that refuses', () => {
  let server: RedisServer | undefined;
  let fs: FileLikeSystem | undefined;
  let raw: Redis | undefined;

  afterEach(async () => {
    await fs?.close();
    raw?.disconnect();
    await server?.stop();
    fs = raw = server = undefined;
  });

  test('out of memory (maxmemory, noeviction) is ENOSPC and the old value stays', async () => {
    server = await RedisServer.start({
      args: ['--maxmemory', '3mb', '--maxmemory-policy', 'noeviction'],
    });
    fs = await createFileSystem({ backend: 'redis', url: server.url });
    await fs.writeFile('f', 'old');
    let error: (Error & { code?: string }) | undefined;
    for (let i = 0; i < 20 && !error; i++) {
      error = await fs.writeFile(`big${i}`, Buffer.alloc(1024 * 1024, 1)).then(
        () => undefined,
        (e: Error) => e,
      );
    }
    expect(error).toBeInstanceOf(FileSystemError);
    expect(error!.code).toBe('ENOSPC');
    expect(error!.message).toContain(server.address);
    expect((await fs.readFile('f')).toString()).toBe('old');
  });

  test('a user the server does not allow a command (ACL) gets EACCES', async () => {
    server = await RedisServer.start();
    raw = new Redis(server.url);
    await raw.call('ACL', 'SETUSER', 'reader', 'on', '>reader-pw', '~*', '+@all', '-copy');
    fs = await createFileSystem({
      backend: 'redis',
      url: `redis://reader:reader-pw@${server.address}`,
    });
    await fs.writeFile('f', 'data');
    const error = await caught(fs.open('f', 'a'));
    expect(error).toBeInstanceOf(FileSystemError);
    expect(error.code).toBe('EACCES');
    expect(error.message).not.toContain('reader-pw');
    await fs.writeFile('f', 'not locked');
  });

  test('a server busy running a script is BackendUnavailableError, then serves again', async () => {
    server = await RedisServer.start({ args: ['--busy-reply-threshold', '50'] });
    raw = new Redis(server.url);
    fs = await createFileSystem({ backend: 'redis', url: server.url });
    await fs.writeFile('f', 'data');
    const busy = raw
      .eval('local t = redis.call("TIME") while true do end', 0)
      .catch(() => undefined);
    await sleep(200);
    const error = await caught(fs.readFile('f'));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/BUSY/);
    const killer = new Redis(server.url, { enableReadyCheck: false });
    await killer.call('SCRIPT', 'KILL');
    killer.disconnect();
    await busy;
    expect((await fs.readFile('f')).toString()).toBe('data');
  });
});

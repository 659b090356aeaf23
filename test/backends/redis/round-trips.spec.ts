import Redis from 'ioredis';
import { createFileSystem, type FileLikeSystem } from '../../../lib';
import { RedisServer } from '../../servers/redis-servers';
import { countCommands, type CommandCount } from '../../support/redis-stats';
import { describeRedis } from './redis-env';

describeRedis('redis: round trips per operation', () => {
  let server: RedisServer;
  let stats: Redis;
  let monitor: Redis;
  let fs: FileLikeSystem;

  /** Runs `action` once to load its scripts on the server, then counts a second run. */
  async function count(action: () => Promise<unknown>): Promise<CommandCount> {
    await action();
    return countCommands({ stats, monitor }, action);
  }

  beforeAll(async () => {
    server = await RedisServer.start();
    stats = new Redis(server.url);
    monitor = new Redis(server.url);
    fs = await createFileSystem({ backend: 'redis', url: server.url, keyPrefix: 'rt:' });
    await fs.writeFile('f.txt', Buffer.alloc(4096, 1));
  });

  afterAll(async () => {
    await fs.close();
    stats.disconnect();
    monitor.disconnect();
    await server.stop();
  });

  test('readFile is one GET', async () => {
    const counted = await count(() => fs.readFile('f.txt'));
    expect(counted.delta).toEqual({ get: 1 });
    expect(counted.roundTrips).toBe(1);
  });

  test('readFile of a range is one script call', async () => {
    const counted = await count(() => fs.readFile('f.txt', { start: 10, end: 20 }));
    expect(counted.scripts).toBe(1);
    expect(counted.sent).toEqual(['evalsha']);
  });

  test('writeFile is one script call', async () => {
    const counted = await count(() => fs.writeFile('g.txt', Buffer.alloc(4096, 2)));
    expect(counted.scripts).toBe(1);
    expect(counted.delta.set).toBe(1);
    expect(counted.sent).toEqual(['evalsha']);
  });

  test("open('w') + write + close of a small file is at most 3 round trips (lock, then commit)", async () => {
    const counted = await count(async () => {
      const f = await fs.open('h.txt', 'w');
      await f.write(Buffer.alloc(4096, 3));
      await f.close();
    });
    expect(counted.roundTrips).toBeLessThanOrEqual(3);
    expect(counted.sent).toEqual(['evalsha', 'evalsha']);
  });

  test("stat, exists and open('r') + read + close of a small file are one round trip each", async () => {
    for (const action of [
      () => fs.stat('f.txt'),
      () => fs.exists('f.txt'),
      () => fs.open('f.txt', 'r', (f) => f.read()),
    ]) {
      expect((await count(action)).sent).toEqual(['evalsha']);
    }
  });

  test('rm of one path is an existence check and one delete script', async () => {
    const counted = await count(async () => {
      await fs.writeFile('gone.txt', 'x');
      await fs.rm('gone.txt');
    });
    expect(counted.sent).toEqual(['evalsha', 'evalsha', 'evalsha']);
  });
});

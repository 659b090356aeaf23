import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { AiofsModule, aiofsOptionsFromEnv, FileLikeSystem, InjectFileSystem } from '../../lib';
import { AiofsHealthIndicator } from '../../lib/health';
import { AzuriteServer } from '../servers/azurite-server';
import { findRedisBinaries, RedisServer } from '../servers/redis-servers';
import { CapturedLogger } from '../support/captured-logger';

const requireAll = process.env.AIOFS_TEST_REQUIRE_ALL === '1';
const redisReady = typeof findRedisBinaries() !== 'string';
const azureReady = !process.env.AIOFS_TEST_AZURE_UNAVAILABLE;
const maybe = (ready: boolean) => (ready || requireAll ? describe : describe.skip);

@Injectable()
class Probe {
  constructor(
    readonly health: AiofsHealthIndicator,
    @InjectFileSystem() readonly files: FileLikeSystem,
  ) {}
}

/** An app whose default file system comes from `env`, with the health indicator. */
async function appFromEnv(
  env: Record<string, string>,
  extra: Record<string, unknown> = {},
  logger = new CapturedLogger(),
): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TerminusModule,
      AiofsModule.forRootAsync({
        isGlobal: true,
        useFactory: () => ({ ...aiofsOptionsFromEnv(env), ...extra }),
      }),
    ],
    providers: [AiofsHealthIndicator, Probe],
  })
    .setLogger(logger)
    .compile();
  return moduleRef.createNestApplication({ logger: false }).init();
}

/** Connected clients of a Redis server, from INFO. */
async function clients(server: RedisServer): Promise<number> {
  const info = await server.command('INFO clients');
  return Number(/connected_clients:(\d+)/.exec(info)![1]);
}

describe('switching backends by env, health up on each', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-nest-env-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, () => Record<string, string>, boolean]> = [
    ['memory', () => ({ AIOFS_URL: 'memory://' }), true],
    ['local', () => ({ AIOFS_URL: `file://${dir}` }), true],
    [
      'redis',
      () => ({
        AIOFS_URL: `${process.env.AIOFS_TEST_REDIS_URL}?keyPrefix=nest:${randomBytes(4).toString('hex')}:`,
      }),
      redisReady,
    ],
    [
      'redis',
      () => ({
        AIOFS_URL: `redis://any-host:1?keyPrefix=nest:${randomBytes(4).toString('hex')}:`,
        AIOFS_REDIS_CLUSTER_NODES: process.env.AIOFS_TEST_REDIS_CLUSTER_NODES ?? '',
      }),
      redisReady,
    ],
    [
      'azure',
      () => ({
        AIOFS_URL: `azure://nest-${process.pid}`,
        AIOFS_AZURE_CONNECTION_STRING: process.env.AIOFS_TEST_AZURE_CONNECTION_STRING ?? '',
      }),
      azureReady,
    ],
  ];

  test.each(cases)(
    '%s',
    async (backend, env, ready) => {
      if (!ready && !requireAll)
        return console.warn(`*** ${backend}: its test server is not available; skipped ***`);
      const app = await appFromEnv(env());
      const probe = app.get(Probe);
      expect(probe.files.backend).toBe(backend);
      await probe.files.writeFile('hello.txt', 'hi');
      expect((await probe.files.readFile('hello.txt')).toString()).toBe('hi');
      const result = await probe.health.isHealthy('files');
      expect(result.files).toMatchObject({ status: 'up', backend });
      expect(typeof result.files.latencyMs).toBe('number');
      await probe.files.rm('hello.txt');
      await app.close();
    },
    60_000,
  );
});

describe('health for a missing name', () => {
  test('is down, not thrown', async () => {
    const app = await appFromEnv({ AIOFS_URL: 'memory://' });
    const result = await app.get(Probe).health.isHealthy('other', { name: 'other' });
    expect(result.other).toMatchObject({
      status: 'down',
      reason: "no aiofs file system named 'other'",
    });
    await app.close();
  });
});

describe('local health', () => {
  test('down when the root is gone, up again when it is back', async () => {
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-nest-health-'));
    const app = await appFromEnv({ AIOFS_URL: `file://${dir}/root` });
    const probe = app.get(Probe);
    expect((await probe.health.isHealthy('files')).files.status).toBe('up');
    rmSync(nodePath.join(dir, 'root'), { recursive: true });
    const down = await probe.health.isHealthy('files');
    expect(down.files).toMatchObject({ status: 'down', backend: 'local' });
    expect(String(down.files.reason)).toMatch(/ENOENT/);
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

maybe(redisReady)('redis: health down, hung, and shutdown', () => {
  let server: RedisServer;
  beforeEach(async () => {
    server = await RedisServer.start({ password: 'hunter2-secret' });
  });
  afterEach(async () => {
    const pid = (server as unknown as { process?: { pid?: number } }).process?.pid;
    if (pid) process.kill(pid, 'SIGCONT'); // a test may have stopped it
    await server.stop();
  });

  const env = () => ({
    AIOFS_URL: `redis://127.0.0.1:${server.port}`,
    AIOFS_REDIS_PASSWORD: 'hunter2-secret',
  });

  test('down with the reason when the server stops; never the password', async () => {
    const app = await appFromEnv(env());
    const probe = app.get(Probe);
    expect((await probe.health.isHealthy('files')).files.status).toBe('up');
    await server.kill();
    const down = await probe.health.isHealthy('files', { timeoutMs: 5000 });
    expect(down.files).toMatchObject({ status: 'down', backend: 'redis' });
    expect(String(down.files.reason)).toContain(String(server.port));
    expect(JSON.stringify(down)).not.toContain('hunter2');
    await app.close();
  }, 30_000);

  test('a hung server (SIGSTOP) is down after timeoutMs', async () => {
    const app = await appFromEnv(env());
    const probe = app.get(Probe);
    const pid = (server as unknown as { process: { pid: number } }).process.pid;
    process.kill(pid, 'SIGSTOP');
    const started = Date.now();
    const hung = await probe.health.isHealthy('files', { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hung.files).toMatchObject({ status: 'down', reason: 'no answer within 300 ms' });
    process.kill(pid, 'SIGCONT');
    expect((await probe.health.isHealthy('files', { timeoutMs: 5000 })).files.status).toBe('up');
    await app.close();
  }, 30_000);

  test('app.close() quits the clients aiofs opened, and only those', async () => {
    const before = await clients(server);
    const app = await appFromEnv(env());
    await app.get(Probe).files.writeFile('x', 'y');
    expect(await clients(server)).toBeGreaterThan(before);
    await app.close();
    for (let i = 0; i < 50 && (await clients(server)) > before; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await clients(server)).toBe(before);
  }, 30_000);

  test('a caller-provided client stays open after app.close()', async () => {
    const { default: Redis } = await import('ioredis');
    const client = new Redis(server.port, '127.0.0.1', { password: 'hunter2-secret' });
    const moduleRef = await Test.createTestingModule({
      imports: [AiofsModule.forRoot({ backend: 'redis', client })],
      providers: [],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    await app.get(FileLikeSystem).writeFile('x', 'y');
    await app.close();
    expect(await client.get('x')).toBe('y');
    client.disconnect();
  }, 30_000);

  test('the start is retried while the server is down and succeeds when it comes up', async () => {
    await server.kill();
    setTimeout(() => void server.restart(), 700);
    const started = Date.now();
    const logger = new CapturedLogger();
    const app = await appFromEnv(env(), { retryAttempts: 20, retryDelay: 200 }, logger);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    const retries = logger.errors();
    expect(retries.length).toBeGreaterThanOrEqual(1);
    for (const line of retries) expect(line).toMatch(/Retrying \(\d+\/20\)/);
    expect(JSON.stringify(logger.lines)).not.toContain('hunter2');
    expect(logger.lines.map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^File system 'default' \(redis\) connected after \d+ attempts$/),
    );
    expect((await app.get(Probe).health.isHealthy('files')).files.status).toBe('up');
    await app.close();
  }, 30_000);
});

maybe(azureReady)('azure: health down when the emulator stops', () => {
  test('down with the reason, never the key; up again after a restart', async () => {
    const server = await AzuriteServer.start({ inMemory: false });
    try {
      const app = await appFromEnv({
        AIOFS_URL: 'azure://health',
        AIOFS_AZURE_CONNECTION_STRING: server.connectionString,
      });
      const probe = app.get(Probe);
      expect((await probe.health.isHealthy('files')).files.status).toBe('up');
      await server.halt();
      const down = await probe.health.isHealthy('files', { timeoutMs: 10_000 });
      expect(down.files).toMatchObject({ status: 'down', backend: 'azure' });
      expect(JSON.stringify(down)).not.toMatch(/AccountKey|Eby8vdM02xNOcqFl/);
      await server.launch();
      let up = await probe.health.isHealthy('files', { timeoutMs: 10_000 });
      for (let i = 0; i < 20 && up.files.status !== 'up'; i++) {
        await new Promise((r) => setTimeout(r, 300));
        up = await probe.health.isHealthy('files', { timeoutMs: 10_000 });
      }
      expect(up.files.status).toBe('up');
      await app.close();
    } finally {
      await server.stop();
    }
  }, 90_000);
});

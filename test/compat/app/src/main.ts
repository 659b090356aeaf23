/**
 * A consumer app's own checks, run on each Nest line of the matrix: boot (forRoot, forRootAsync
 * with ConfigService, names), injection across modules, Redis, health up and down through
 * terminus, and shutdown with an open handle. Exits non-zero on the first failed check.
 */
import 'reflect-metadata';
import { strict as assert } from 'node:assert';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  BlockingIOError,
  createFileSystem,
  FileLikeSystem,
  FileSystemError,
  getFileSystemToken,
} from 'aiofs';
import { AppModule } from './app.module.js';
import { FilesService } from './files/files.service.js';

async function start(): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

async function health(url: string): Promise<{ status: number; body: HealthBody }> {
  const response = await fetch(`${url}/health`);
  return { status: response.status, body: (await response.json()) as HealthBody };
}

type HealthBody = {
  status: string;
  details: Record<string, { status: string; backend?: string; reason?: string }>;
};

function withinMs<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
    }),
  ]);
}

async function main(): Promise<void> {
  const redisUrl = process.env.AIOFS_URL!;
  const other = await createFileSystem(redisUrl); // another instance sharing the Redis

  // 1. Boot; the feature module's service gets all three file systems.
  const first = await start();
  const service = first.app.get(FilesService);
  assert.equal(service.files.backend, 'redis');
  assert.equal(service.cache.backend, 'memory');
  assert.equal(service.scratch.backend, 'local');
  assert.equal(first.app.get(FileLikeSystem), service.files);
  assert.equal(first.app.get(getFileSystemToken('cache')), service.cache);
  assert.equal(await service.publish('q3.csv', 'hello compat'), 'hello');
  assert.deepEqual(await other.ls('reports/*'), ['reports/q3.csv']);

  // 2. A real lock across two clients of one Redis; the error class is aiofs's own.
  const writer = await service.files.open('reports/q3.csv', 'w');
  await writer.write('new');
  const refused = await other.open('reports/q3.csv', 'w').catch((error: unknown) => error);
  assert.ok(refused instanceof BlockingIOError, `expected BlockingIOError, got ${String(refused)}`);
  assert.ok(refused instanceof FileSystemError);
  assert.equal(refused.code, 'EWOULDBLOCK');
  await writer.abort();
  assert.equal((await other.readFile('reports/q3.csv')).toString(), 'hello compat');

  // 3. Health through terminus: every file system up.
  const up = await health(first.url);
  assert.equal(up.status, 200, JSON.stringify(up.body));
  assert.equal(up.body.status, 'ok');
  assert.deepEqual(
    Object.fromEntries(Object.entries(up.body.details).map(([k, v]) => [k, [v.status, v.backend]])),
    { files: ['up', 'redis'], cache: ['up', 'memory'], scratch: ['up', 'local'] },
  );

  // 4. Shutdown with an open handle: its writes are discarded and its lock released.
  const pending = await service.files.open('pending.txt', 'w');
  await pending.write('never committed');
  await withinMs(first.app.close(), 10_000, 'app.close() with an open handle');
  assert.equal(pending.closed, true);
  assert.equal(await other.exists('pending.txt'), false);
  await (await other.open('pending.txt', 'w')).abort(); // the lock is free

  // 5. Health down when Redis goes away: 503 from terminus, the others still up; then a clean close.
  const second = await start();
  assert.equal((await health(second.url)).status, 200);
  await other.close();
  process.kill(Number(process.env.REDIS_PID), 'SIGKILL'); // the private redis-server crashes
  const down = await health(second.url);
  assert.equal(down.status, 503, JSON.stringify(down.body));
  assert.equal(down.body.details.files.status, 'down');
  assert.equal(down.body.details.cache.status, 'up');
  assert.equal(down.body.details.scratch.status, 'up');
  await withinMs(second.app.close(), 10_000, 'app.close() with Redis down');
  console.log('compat checks passed');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startApp } from './start-app';
import { AzuriteServer } from '../servers/azurite-server';
import { findRedisBinaries, RedisServer } from '../servers/redis-servers';

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const redisMissing = typeof findRedisBinaries() === 'string';

(redisMissing && process.env.AIOFS_TEST_REQUIRE_ALL !== '1' ? describe.skip : describe)(
  'sample health: redis down and back',
  () => {
    let server: RedisServer;
    let app: INestApplication;
    beforeAll(async () => {
      server = await RedisServer.start();
      app = await startApp({ AIOFS_URL: server.url });
    });
    afterAll(async () => {
      await app?.close();
      await server?.stop();
    });

    test('health turns 503 with the reason when Redis stops, and 200 again when it is back', async () => {
      const http = request(app.getHttpServer());
      expect((await http.get('/health')).status).toBe(200);
      await http.put('/files/a.txt').send('a').expect(201);
      await server.kill();
      const down = await http.get('/health');
      expect(down.status).toBe(503);
      expect(down.body.error.files).toMatchObject({ status: 'down', backend: 'redis' });
      expect(down.body.error.files.reason).toMatch(new RegExp(`${server.port}`));
      expect(down.body.info.cache.status).toBe('up');
      const put = await http.put('/files/b.txt').send('b');
      expect(put.status).toBe(503);
      expect(put.body.code).toBe('EUNAVAILABLE');
      expect(put.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(put.headers['retry-after']).toBe('5');
      // the problem names the backend, never its host or port
      expect(put.body.detail).toBe('The redis backend is unavailable');
      expect(JSON.stringify(put.body)).not.toContain(String(server.port));
      await server.restart();
      await waitFor(async () => (await http.get('/health')).status === 200, 20_000);
      await http.put('/files/b.txt').send('b').expect(201);
    }, 60_000);
  },
);

(process.env.AIOFS_TEST_AZURE_UNAVAILABLE && process.env.AIOFS_TEST_REQUIRE_ALL !== '1'
  ? describe.skip
  : describe)('sample health: azure down and back', () => {
  let server: AzuriteServer;
  let app: INestApplication;
  beforeAll(async () => {
    server = await AzuriteServer.start({ inMemory: false });
    app = await startApp({
      AIOFS_URL: 'azure://health',
      AIOFS_AZURE_CONNECTION_STRING: server.connectionString,
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await server?.stop();
  });

  test('health turns 503 when Azurite stops, and 200 again when it is back', async () => {
    const http = request(app.getHttpServer());
    expect((await http.get('/health')).status).toBe(200);
    await server.halt();
    const down = await http.get('/health');
    expect(down.status).toBe(503);
    expect(down.body.error.files).toMatchObject({ status: 'down', backend: 'azure' });
    expect(JSON.stringify(down.body)).not.toContain('AccountKey');
    await server.launch();
    await waitFor(async () => (await http.get('/health')).status === 200, 30_000);
  }, 90_000);
});

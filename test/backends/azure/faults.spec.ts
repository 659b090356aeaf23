import { execFile } from 'node:child_process';
import * as nodePath from 'node:path';
import { inspect } from 'node:util';
import { BackendUnavailableError, createFileSystem, type FileLikeSystem } from '../../../lib';
import { caught } from '../../conformance/expect-error';
import { AZURITE_ACCOUNT, AZURITE_KEY, AzuriteServer } from '../../servers/azurite-server';
import { freePort } from '../../servers/child-server';
import { describeAzure } from './azure-env';
import { SilentServer } from '../../support/silent-server';

/** Checks an error is BackendUnavailableError naming the account and container, and no secret. */
function expectUnavailable(error: Error & { code?: string }, container: string): void {
  expect(error).toBeInstanceOf(BackendUnavailableError);
  expect(error.code).toBe('EUNAVAILABLE');
  expect(error.message).toContain(AZURITE_ACCOUNT);
  expect(error.message).toContain(container);
  expect(error.message).not.toContain(AZURITE_KEY);
  expect(inspect(error)).not.toContain(AZURITE_KEY);
}

async function timed<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await action();
  return { result, ms: Date.now() - started };
}

describeAzure('azure: faults', () => {
  let server: AzuriteServer;
  let fs: FileLikeSystem;
  beforeAll(async () => {
    // on disk, so that a restart keeps the container and its blobs
    server = await AzuriteServer.start({ inMemory: false });
  }, 60_000);
  afterAll(async () => {
    await fs?.close().catch(() => undefined);
    await server?.stop();
  });

  test('a stopped emulator gives BackendUnavailableError in bounded time; after a restart the same fs recovers', async () => {
    fs = await createFileSystem({
      backend: 'azure',
      connectionString: server.connectionString,
      container: 'faults',
      lockTtlMs: 15_000,
    });
    await fs.writeFile('f.txt', 'before');
    await server.halt();
    for (const action of [
      () => fs.readFile('f.txt'),
      () => fs.stat('f.txt'),
      () => fs.ls(),
      () => fs.open('f.txt', 'w'),
      () => fs.writeFile('g.txt', 'x'),
      () => fs.openReadStream('f.txt'),
      () => fs.ping(),
    ]) {
      const { result: error, ms } = await timed(() => caught(action));
      expectUnavailable(error, 'faults');
      expect(ms).toBeLessThan(10_000);
    }
    await server.launch();
    expect(await fs.ping()).toBeGreaterThanOrEqual(0);
    expect((await fs.readFile('f.txt')).toString()).toBe('before');
    await fs.writeFile('f.txt', 'after');
    expect((await fs.readFile('f.txt')).toString()).toBe('after');
  }, 60_000);

  test('a read stream cut by the emulator going away errors with BackendUnavailableError', async () => {
    fs ??= await createFileSystem({
      backend: 'azure',
      connectionString: server.connectionString,
      container: 'faults',
    });
    await fs.writeFile('big.bin', Buffer.alloc(32 * 1024 * 1024, 7));
    const stream = await fs.openReadStream('big.bin');
    let received = 0;
    const error = await caught(
      (async () => {
        for await (const chunk of stream) {
          if (received === 0) await server.halt();
          received += (chunk as Buffer).length;
        }
      })(),
    );
    expect(received).toBeLessThan(32 * 1024 * 1024);
    expectUnavailable(error, 'faults');
    await server.launch();
  }, 60_000);

  test('an endpoint nobody listens on fails at creation with BackendUnavailableError, quickly', async () => {
    const port = await freePort();
    const connectionString = server.connectionString.replace(`:${server.port}/`, `:${port}/`);
    const { result: error, ms } = await timed(() =>
      caught(createFileSystem({ backend: 'azure', connectionString, container: 'nobody' })),
    );
    expectUnavailable(error, 'nobody');
    expect(ms).toBeLessThan(10_000);
  });

  test('an endpoint that never answers fails once requestTimeoutMs passes', async () => {
    const silent = await SilentServer.start();
    const port = silent.port;
    try {
      const connectionString = server.connectionString.replace(`:${server.port}/`, `:${port}/`);
      const { result: error, ms } = await timed(() =>
        caught(
          createFileSystem({
            backend: 'azure',
            connectionString,
            container: 'silent',
            maxTries: 2,
            requestTimeoutMs: 500,
          }),
        ),
      );
      expectUnavailable(error, 'silent');
      expect(error.message).toMatch(/no answer in time/);
      expect(ms).toBeGreaterThanOrEqual(450);
      expect(ms).toBeLessThan(5_000);
    } finally {
      await silent.stop();
    }
  });
  test('a process whose requests failed exits as soon as its file system is closed', async () => {
    // A Nest app that lost its storage and shuts down must not hang on a request's timer.
    const port = await freePort();
    const connectionString = server.connectionString.replace(`:${server.port}/`, `:${port}/`);
    const lib = nodePath.join(__dirname, '..', '..', '..', 'lib');
    const script = `
      const { createFileSystem } = require(${JSON.stringify(lib)});
      (async () => {
        const fs = await createFileSystem({ backend: 'azure', connectionString: process.env.CS, container: 'gone', createContainer: false, requestTimeoutMs: 60000 });
        await fs.stat('f').catch((e) => console.log(e.name));
        await fs.close();
        console.log('closed', Date.now());
      })().catch((e) => console.log('created:', e.name, Date.now()));
    `;
    const started = Date.now();
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
      execFile(
        process.execPath,
        ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script],
        { env: { ...process.env, CS: connectionString }, timeout: 50_000 },
        (error, stdout) => (error ? reject(error) : resolve({ stdout })),
      ),
    );
    const exited = Date.now();
    const done = Number(/(\d{13})/.exec(stdout)?.[1]);
    expect(stdout).toMatch(/BackendUnavailableError/);
    expect(exited - done).toBeLessThan(5_000); // was the request timeout: 60 s here
    expect(exited - started).toBeLessThan(45_000);
  }, 60_000);
});

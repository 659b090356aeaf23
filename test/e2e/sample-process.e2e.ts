import { request } from 'node:http';
import { Writable } from 'node:stream';
import { abortUpload, getThenClose } from './http-client';
import { bytes, SampleProcess } from './sample-process';

const MiB = 1024 * 1024;

export interface ProcessTarget {
  name: string;
  env(): Record<string, string>;
  unavailable?: () => string | undefined;
  /** Peak RSS growth the server may show while 200 MiB stream through it. */
  limitMiB: number;
}

/** The sample as its own process: memory while 200 MiB stream through, and a graceful SIGTERM. */
export function describeSampleProcess(target: ProcessTarget): void {
  const reason = target.unavailable?.();
  if (reason) {
    if (process.env.AIOFS_TEST_REQUIRE_ALL === '1') {
      test(`sample process: ${target.name} can run`, () => {
        throw new Error(`${target.name}: ${reason}`);
      });
    } else {
      describe.skip(`sample process: ${target.name} (${reason})`, () =>
        test('skipped', () => undefined));
    }
    return;
  }

  describe(`sample process: ${target.name}`, () => {
    let app: SampleProcess;
    beforeEach(async () => {
      app = await SampleProcess.start(target.env());
    }, 60_000);
    afterEach(async () => {
      await app.stop('SIGKILL');
    });

    test(`a 200 MiB upload and download keep the server's memory within ${target.limitMiB} MiB`, async () => {
      const size = 200 * MiB;
      // warm up the code paths, then measure from a settled baseline
      await app.send('PUT', '/files/warm.bin', bytes(MiB));
      await app.send('GET', '/files/warm.bin');
      let baseline = app.rssMiB();
      let peak = baseline;
      const tick = () => {
        peak = Math.max(peak, app.rssMiB());
      };
      const put = await app.send('PUT', '/files/big.bin', bytes(size, tick), {
        'Content-Type': 'application/octet-stream',
      });
      expect(put.status).toBe(201);
      expect(JSON.parse(put.body.toString())).toEqual({ path: 'big.bin', size });
      const upload = peak - baseline;
      peak = baseline = app.rssMiB();

      let received = 0;
      const download = await new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: app.port, path: '/files/big.bin' },
          (res) => {
            res.pipe(
              new Writable({
                write(chunk: Buffer, _e, cb) {
                  received += chunk.length;
                  if (received % (8 * MiB) < chunk.length) tick();
                  cb();
                },
                final(cb) {
                  resolve(peak - baseline);
                  cb();
                },
              }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(received).toBe(size);
      expect(upload).toBeLessThanOrEqual(target.limitMiB);
      expect(download).toBeLessThanOrEqual(target.limitMiB);
    }, 120_000);

    test('clients that take every byte and close at once, or cut an upload: nothing logged as an error', async () => {
      const size = 3 * MiB; // larger than one Redis read: served from a snapshot
      expect((await app.send('PUT', '/files/whole.bin', bytes(size))).status).toBe(201);
      for (let i = 0; i < 20; i++) {
        const reply = await getThenClose(app.port, '/files/whole.bin');
        expect(reply.status).toBe(200);
        expect(reply.body.length).toBe(size);
      }
      for (let i = 0; i < 3; i++) {
        await abortUpload(app.port, 'PUT', '/files/whole.bin', {
          filler: 4 * MiB,
          declared: 32 * MiB,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      const res = await app.send('GET', '/files/whole.bin');
      expect(res.body.length).toBe(size); // the cut uploads committed nothing
      const errors = app.output
        .join('')
        .split('\n')
        .filter((line) => /\bERROR\b/.test(line));
      expect(errors).toEqual([]);
    }, 120_000);

    test('SIGTERM during an upload: a quick exit, the old content stays, the lock is released', async () => {
      await app.send('PUT', '/files/doc.txt', bytes(1000));
      // an upload that sends 4 MiB, then stalls without ending
      const req = request({
        host: '127.0.0.1',
        port: app.port,
        method: 'PUT',
        path: '/files/doc.txt',
      });
      const outcome = new Promise<string>((resolve) => {
        req.on('response', (res) => resolve(`status ${res.statusCode}`));
        req.on('error', (error) => resolve(error.message));
      });
      await new Promise((resolve) => req.write(Buffer.alloc(4 * MiB, 'x'), resolve));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const exit = await app.stop('SIGTERM');
      // Nest closes the app, then re-raises the signal: an exit by SIGTERM, well before the
      // SIGKILL that stop() sends after 10 s
      expect(exit.signal).toBe('SIGTERM');
      expect(exit.ms).toBeLessThan(5000);
      expect(await outcome).not.toMatch(/^status 2/);
      app = await SampleProcess.start(target.env());
      const res = await app.send('GET', '/files/doc.txt');
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(1000);
      // the aborted writer's lock was released at shutdown, not left to expire
      const again = await app.send('PUT', '/files/doc.txt', bytes(10));
      expect(again.status).toBe(200);
    }, 120_000);
  });
}

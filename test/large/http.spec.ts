import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SampleProcess } from '../e2e/sample-process';
import { recordFigure } from '../support/figures';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const LIMIT_MiB = 96;

/** `size` bytes that differ from chunk to chunk, with their sha256 as they go. */
function source(size: number, prefix = Buffer.alloc(0), suffix = Buffer.alloc(0)) {
  const hash = createHash('sha256');
  let sent = 0;
  let n = 0;
  let state: 'prefix' | 'data' | 'suffix' | 'done' = 'prefix';
  const stream = new Readable({
    read() {
      if (state === 'prefix') {
        state = 'data';
        if (prefix.length > 0) return void this.push(prefix);
      }
      if (state === 'data' && sent < size) {
        const chunk = Buffer.alloc(Math.min(MiB, size - sent), n++ & 0xff);
        chunk.writeUInt32LE(n, 0);
        sent += chunk.length;
        hash.update(chunk);
        return void this.push(chunk);
      }
      if (state === 'data') {
        state = 'suffix';
        if (suffix.length > 0) return void this.push(suffix);
      }
      state = 'done';
      this.push(null);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

/** Samples the server's RSS every 20 ms while `action` runs: the peak's growth over the start, in MiB. */
async function serverGrowth(app: SampleProcess, action: () => Promise<void>): Promise<number> {
  const baseline = app.rssMiB();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, app.rssMiB());
  }, 20);
  try {
    await action();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, app.rssMiB()) - baseline;
}

function upload(
  app: SampleProcess,
  method: string,
  path: string,
  body: Readable,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: app.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    pipeline(body, req).catch(reject);
  });
}

function download(app: SampleProcess, path: string): Promise<{ size: number; digest: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: app.port, path }, (res) => {
      const hash = createHash('sha256');
      let size = 0;
      pipeline(
        res,
        new Writable({
          write(chunk: Buffer, _e, callback) {
            hash.update(chunk);
            size += chunk.length;
            callback();
          },
        }),
      ).then(() => resolve({ size, digest: hash.digest('hex') }), reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test(`http (local): 1 GiB up as a PUT and as a form, and down, with the server's RSS growth ≤ ${LIMIT_MiB} MiB`, async () => {
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-large-http-'));
  const app = await SampleProcess.start({ AIOFS_URL: `file://${dir}` });
  try {
    // warm the code paths up, then measure
    await upload(app, 'PUT', '/files/warm.bin', source(MiB).stream, {});
    await download(app, '/files/warm.bin');

    const put = source(GiB);
    let putReply = { status: 0, body: '' };
    const putMiB = await serverGrowth(app, async () => {
      putReply = await upload(app, 'PUT', '/files/big.bin', put.stream, {
        'Content-Type': 'application/octet-stream',
      });
    });
    expect(putReply.status).toBe(201);
    expect(JSON.parse(putReply.body)).toEqual({ path: 'big.bin', size: GiB });

    let got = { size: 0, digest: '' };
    const getMiB = await serverGrowth(app, async () => {
      got = await download(app, '/files/big.bin');
    });
    expect(got).toEqual({ size: GiB, digest: put.digest() });

    const boundary = 'aiofs-large-boundary';
    const form = source(
      GiB,
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    );
    let formReply = { status: 0, body: '' };
    const formMiB = await serverGrowth(app, async () => {
      formReply = await upload(app, 'POST', '/files/form.bin', form.stream, {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
      });
    });
    expect(formReply.status).toBe(201);
    expect(JSON.parse(formReply.body)).toEqual({ path: 'form.bin', size: GiB });
    expect(await download(app, '/files/form.bin')).toEqual({ size: GiB, digest: form.digest() });

    recordFigure(
      `http (local): server RSS growth over 1 GiB — PUT ${putMiB.toFixed(1)} MiB, GET ${getMiB.toFixed(1)} MiB, multipart POST ${formMiB.toFixed(1)} MiB`,
    );
    expect(putMiB).toBeLessThanOrEqual(LIMIT_MiB);
    expect(getMiB).toBeLessThanOrEqual(LIMIT_MiB);
    expect(formMiB).toBeLessThanOrEqual(LIMIT_MiB);
    expect(app.output.join('')).not.toMatch(/\bERROR\b/);
  } finally {
    await app.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

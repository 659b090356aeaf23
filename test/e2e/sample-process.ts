import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import * as nodePath from 'node:path';
import { Readable } from 'node:stream';
import { freePort } from '../servers/child-server';

const ROOT = nodePath.join(__dirname, '..', '..');

/** The sample app in its own OS process, as `npm start` runs it (transpiled on the fly). */
export class SampleProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly output: string[],
  ) {}

  static async start(env: Record<string, string>): Promise<SampleProcess> {
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'sample/main.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...env,
          PORT: String(port),
          TS_NODE_PROJECT: nodePath.join(ROOT, 'tsconfig.json'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    const sample = new SampleProcess(child, port, output);
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) throw new Error(`the sample exited: ${output.join('')}`);
      if (output.join('').includes('listening on')) return sample;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGKILL');
    throw new Error(`the sample did not start: ${output.join('')}`);
  }

  /** Resident memory of the server process now, in MiB (Linux /proc). */
  rssMiB(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
  }

  /** Streams `source` as the body of a request; resolves with the status and the body. */
  send(
    method: string,
    path: string,
    source?: Readable,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      if (source) source.pipe(req);
      else req.end();
    });
  }

  /** Sends `signal` and waits for the exit; how it exited, and in how many ms. */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<{ code: number | null; signal: string | null; ms: number }> {
    const started = Date.now();
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return { code: this.child.exitCode, signal: this.child.signalCode, ms: 0 };
    }
    const exited = new Promise<{ code: number | null; signal: string | null; ms: number }>(
      (resolve) =>
        this.child.once('exit', (code, sig) =>
          resolve({ code, signal: sig, ms: Date.now() - started }),
        ),
    );
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const result = await exited;
    clearTimeout(timer);
    return result;
  }
}

/** `size` bytes in 64 KiB chunks, calling `tick` as it goes. */
export function bytes(size: number, tick: () => void = () => undefined): Readable {
  const chunk = Buffer.alloc(64 * 1024, 'z');
  let sent = 0;
  return new Readable({
    read() {
      tick();
      if (sent >= size) return this.push(null);
      const n = Math.min(chunk.length, size - sent);
      sent += n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import type { StartedServers } from './started-servers';

/** Azurite's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const START_TIMEOUT_MS = 30_000;

export interface AzuriteOptions {
  /** Keep blobs in memory only (default). False keeps them in a temp folder across restarts. */
  inMemory?: boolean;
  /** Serve https with this certificate and accept OAuth bearer tokens (Azurite's basic check). */
  oauth?: { cert: string; key: string };
}

/** A private Azurite (blob service only) in a child process on a free port. */
export class AzuriteServer {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  private constructor(
    readonly port: number,
    private readonly location: string,
    private readonly inMemory: boolean,
    private readonly oauth?: { cert: string; key: string },
  ) {}

  static async start(options: AzuriteOptions = {}): Promise<AzuriteServer> {
    const location = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-azurite-'));
    const server = new AzuriteServer(
      await freePort(),
      location,
      options.inMemory ?? true,
      options.oauth,
    );
    try {
      await server.launch();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get endpoint(): string {
    return `${this.oauth ? 'https' : 'http'}://127.0.0.1:${this.port}/${AZURITE_ACCOUNT}`;
  }

  get connectionString(): string {
    return `DefaultEndpointsProtocol=${this.oauth ? 'https' : 'http'};AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${this.endpoint};`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Stops the process (its in-memory blobs go with it). */
  async stop(): Promise<void> {
    await this.halt();
    rmSync(this.location, { recursive: true, force: true });
  }

  /** Stops it, then starts it again on the same port (and, unless in memory, with the same blobs). */
  async restart(): Promise<void> {
    await this.halt();
    await this.launch();
  }

  /** Stops the process but keeps its folder, for a later `launch`. */
  async halt(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }

  async launch(): Promise<void> {
    if (this.child) return;
    const main = require.resolve('azurite/dist/src/blob/main.js');
    const args = [
      main,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(this.port),
      '--loose',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--silent',
      ...(this.inMemory ? ['--inMemoryPersistence'] : ['--location', this.location]),
      ...(this.oauth
        ? ['--cert', this.oauth.cert, '--key', this.oauth.key, '--oauth', 'basic']
        : []),
    ];
    const child = spawn(process.execPath, args, {
      cwd: this.location,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-2000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    void this.exited.then(() => process.removeListener('exit', killOnExit));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await answers(this.port))) {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        await this.halt();
        throw new Error(
          `Azurite did not start on port ${this.port}: ${output.trim() || 'no output'}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The global setup's Azurite: its connection string, or why it could not start. */
export async function startAzurite(): Promise<StartedServers> {
  try {
    const server = await AzuriteServer.start();
    return {
      env: { AIOFS_TEST_AZURE_CONNECTION_STRING: server.connectionString },
      stop: () => server.stop(),
    };
  } catch (error) {
    return {
      env: { AIOFS_TEST_AZURE_UNAVAILABLE: (error as Error).message },
      stop: async () => undefined,
    };
  }
}

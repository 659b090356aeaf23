import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { ChildServer, freePort } from './child-server';
import type { StartedServers } from './started-servers';

/** Azurite's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Keep blobs in memory only (default). False keeps them in a temp folder across restarts. */
  inMemory?: boolean;
  /** Serve https with this certificate and accept OAuth bearer tokens (Azurite's basic check). */
  oauth?: { cert: string; key: string };
}

/** A private Azurite (blob service only) in a child process on a free port. */
export class AzuriteServer extends ChildServer {
  private constructor(
    port: number,
    private readonly location: string,
    private readonly inMemory: boolean,
    private readonly oauth?: { cert: string; key: string },
  ) {
    super('Azurite', port);
  }

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

  /** Starts the process again (unless in memory, with the blobs in its folder). */
  async launch(): Promise<void> {
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
    await this.spawnUntilAnswering(process.execPath, args, { cwd: this.location });
  }
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

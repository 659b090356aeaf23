import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { ChildServer, freePort } from './child-server';
import type { StartedServers } from './started-servers';

const ROOT = nodePath.resolve(__dirname, '../..');
/** The pinned requirements this test setup owns. */
export const MOTO_REQUIREMENTS = nodePath.join(__dirname, 'moto', 'requirements.txt');
/** A private virtualenv inside the repository (git-ignored), never the machine's own moto. */
export const MOTO_VENV = nodePath.join(ROOT, '.cache', 'moto-venv');
const STAMP = nodePath.join(MOTO_VENV, '.aiofs-requirements.sha256');
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/** moto's keys are not checked; any pair works, and these are not secrets. */
export const MOTO_CREDENTIALS = { accessKeyId: 'aiofs-test', secretAccessKey: 'aiofs-test-secret' };
export const MOTO_REGION = 'us-east-1';

function requirementsHash(): string {
  return createHash('sha256').update(readFileSync(MOTO_REQUIREMENTS)).digest('hex');
}

/** moto's application with its writes made atomic (see serve.py). */
const SERVE = nodePath.join(__dirname, 'moto', 'serve.py');

/** The venv's python with moto, installed from the pinned requirements when missing or out of date. */
export function ensureMoto(): string {
  const binary = nodePath.join(MOTO_VENV, 'bin', 'python');
  const wanted = requirementsHash();
  if (existsSync(binary) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === wanted) {
    return binary;
  }
  const python = process.env.AIOFS_TEST_PYTHON ?? 'python3';
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, {
      encoding: 'utf8',
      timeout: INSTALL_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (result.status !== 0) {
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().slice(-1500);
      throw new Error(
        `${nodePath.basename(command)} ${args.join(' ')} failed${result.error ? ` (${result.error.message})` : ''}: ${output || 'no output'}`,
      );
    }
  };
  mkdirSync(nodePath.dirname(MOTO_VENV), { recursive: true });
  rmSync(MOTO_VENV, { recursive: true, force: true });
  run(python, ['-m', 'venv', MOTO_VENV]);
  run(nodePath.join(MOTO_VENV, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '-r',
    MOTO_REQUIREMENTS,
  ]);
  writeFileSync(STAMP, wanted);
  return binary;
}

/**
 * A private moto S3 server in a child process on a free loopback port (its data in memory), run
 * by serve.py: moto's own application and server, one write at a time (S3's atomic conditional
 * writes, which moto 5.2.5 does not make atomic across its threads).
 */
export class MotoServer extends ChildServer {
  private constructor(
    port: number,
    private readonly binary: string,
  ) {
    super('moto', port);
  }

  static async start(): Promise<MotoServer> {
    const server = new MotoServer(await freePort(), ensureMoto());
    await server.launch();
    return server;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops the process (its data goes with it). */
  stop(): Promise<void> {
    return this.halt();
  }

  /** Stops it, then starts it again on the same port (empty: moto keeps its data in memory). */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  launch(): Promise<void> {
    return this.spawnUntilAnswering(this.binary, [SERVE, '127.0.0.1', String(this.port)], {
      env: { ...process.env, MOTO_CALL_RESET_API: 'false' },
    });
  }
}

/** The global setup's moto server: its endpoint, or why it could not start. */
export async function startMoto(): Promise<StartedServers> {
  try {
    const server = await MotoServer.start();
    return { env: { AIOFS_TEST_S3_ENDPOINT: server.endpoint }, stop: () => server.stop() };
  } catch (error) {
    return {
      env: { AIOFS_TEST_S3_UNAVAILABLE: (error as Error).message },
      stop: async () => undefined,
    };
  }
}

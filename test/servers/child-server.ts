import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

const START_TIMEOUT_MS = 30_000;

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

/**
 * A test server in a child process on a loopback port: started until the port answers, stopped
 * with SIGTERM (SIGKILL after 5 s), killed if this process exits first.
 */
export abstract class ChildServer {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  protected constructor(
    /** For messages, e.g. 'Azurite'. */
    private readonly name: string,
    readonly port: number,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Stops the process (and, for a server that keeps its data in memory, the data). */
  async halt(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }

  /** Starts the process on the same port, unless it runs. */
  abstract launch(): Promise<void>;

  /** Spawns the server and waits until its port answers; its last output says why it did not. */
  protected async spawnUntilAnswering(
    command: string,
    args: string[],
    options: SpawnOptions,
  ): Promise<void> {
    if (this.child) return;
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
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
          `${this.name} did not start on port ${this.port}: ${output.trim() || 'no output'}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

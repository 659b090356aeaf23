import { fork, type ChildProcess } from 'node:child_process';
import * as nodePath from 'node:path';

export interface ChildError {
  name: string;
  code?: string;
  message: string;
}

/** Thrown in the parent for an error the child got; keeps the child's class name and code. */
export class ChildCallError extends Error {
  constructor(readonly remote: ChildError) {
    super(`${remote.name} (${remote.code}): ${remote.message}`);
  }
}

/** A file system in another OS process, driven over IPC (test/support/child-worker.ts). */
export class ChildFs {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  private constructor(readonly process: ChildProcess) {
    process.on(
      'message',
      (message: { id: number; ok: boolean; result?: unknown; error?: ChildError }) => {
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        if (message.ok) waiter.resolve(message.result);
        else waiter.reject(new ChildCallError(message.error!));
      },
    );
    process.on('exit', () => {
      for (const waiter of this.pending.values())
        waiter.reject(new Error('the child process exited'));
      this.pending.clear();
    });
  }

  static async start(options: object): Promise<ChildFs> {
    const child = fork(nodePath.join(__dirname, 'child-worker.ts'), [JSON.stringify(options)], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, TS_NODE_PROJECT: nodePath.join(__dirname, '../../tsconfig.json') },
    });
    const ready = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) =>
        reject(new Error(`the child process exited early with ${code}`)),
      );
    });
    await ready;
    return new ChildFs(child);
  }

  call(command: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.process.send({ id, command });
    });
  }

  open(path: string, mode: string, lockTimeoutMs?: number): Promise<unknown> {
    return this.call({ op: 'open', path, mode, lockTimeoutMs });
  }

  write(data: string | Buffer): Promise<unknown> {
    return this.call({ op: 'write', data: Buffer.from(data).toString('base64') });
  }

  close(): Promise<unknown> {
    return this.call({ op: 'close' });
  }

  async exit(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.call({ op: 'exit' }).catch(() => undefined);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.process.kill(signal);
  }
}

import { createServer, type Socket } from 'node:net';

/** A loopback TCP server that takes every connection and never answers: a store that hangs. */
export class SilentServer {
  readonly sockets: Socket[] = [];
  private readonly server = createServer((socket) => this.sockets.push(socket));

  static async start(): Promise<SilentServer> {
    const silent = new SilentServer();
    await new Promise<void>((resolve) => silent.server.listen(0, '127.0.0.1', resolve));
    return silent;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => this.server.close(resolve));
  }
}

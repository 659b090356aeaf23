import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyOptions {
  /** Drop If-Match / If-None-Match from every request: a store that ignores conditions. */
  stripConditions?: boolean;
  /** Cut the connection of the next GET whose body is larger, after this many body bytes. */
  cutGetAfterBytes?: number;
}

/**
 * A loopback HTTP proxy in front of a test server, to play a store that misbehaves (ignores
 * conditional headers, drops a connection mid-body). Only the loopback target is ever contacted.
 */
export class HttpProxy {
  private port = 0;

  private constructor(
    private readonly server: Server,
    readonly options: ProxyOptions,
  ) {}

  static async start(target: string, options: ProxyOptions = {}): Promise<HttpProxy> {
    const to = new URL(target);
    if (to.hostname !== '127.0.0.1' && to.hostname !== 'localhost') {
      throw new Error('the test proxy only forwards to loopback');
    }
    const state: ProxyOptions = { ...options };
    const server = createServer((req, res) => {
      const headers = { ...req.headers };
      if (state.stripConditions) {
        delete headers['if-match'];
        delete headers['if-none-match'];
      }
      const upstream = request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          const cut = state.cutGetAfterBytes;
          if (
            req.method === 'GET' &&
            cut !== undefined &&
            Number(answer.headers['content-length']) > cut
          ) {
            state.cutGetAfterBytes = undefined;
            let sent = 0;
            answer.on('data', (chunk: Buffer) => {
              if (sent >= cut) return;
              const part = chunk.subarray(0, cut - sent);
              sent += part.length;
              res.write(part);
              if (sent >= cut) {
                answer.destroy();
                res.socket?.destroy();
              }
            });
            return;
          }
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.socket?.destroy());
      // A client gone mid-request (or cut by stop()) is gone upstream too, as through a real network.
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      req.pipe(upstream);
    });
    const proxy = new HttpProxy(server, state);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    const address = this.server.address() as AddressInfo | null;
    return `http://127.0.0.1:${address?.port ?? this.port}`;
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    this.port = (this.server.address() as AddressInfo).port;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Listens again on the same port after `stop()`. */
  async resume(): Promise<void> {
    if (this.server.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.removeListener('error', reject);
        resolve();
      });
    });
  }
}

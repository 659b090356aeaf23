import { request, type IncomingHttpHeaders } from 'node:http';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request over a fresh connection to 127.0.0.1:`port`; resolves with the whole reply. */
export function send(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Starts a request whose body is `declared` bytes long, sends `sent` of them (more than the socket
 * buffers hold, so the server is consuming it), then cuts the connection.
 */
export async function abortUpload(
  port: number,
  method: string,
  path: string,
  parts: { head?: Buffer; filler: number; declared: number; headers?: Record<string, string> },
): Promise<void> {
  const req = request({
    host: '127.0.0.1',
    port,
    method,
    path,
    agent: false,
    headers: { 'Content-Length': String(parts.declared), ...parts.headers },
  });
  let answered = false;
  const outcome = new Promise<void>((resolve) => {
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.on('response', (res) => {
      answered = true; // e.g. 423: the server will not read the body
      res.resume();
      resolve();
    });
  });
  if (parts.head) req.write(parts.head);
  const chunk = Buffer.alloc(64 * 1024, 'p');
  for (let sent = 0; sent < parts.filler && !answered; sent += chunk.length) {
    if (!req.write(chunk)) {
      await Promise.race([new Promise((resolve) => req.once('drain', resolve)), outcome]);
    }
  }
  req.destroy();
  await outcome;
}

/** A GET that reads `keep` bytes of the body, then cuts the connection. */
export function abortDownload(port: number, path: string, keep: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got >= keep) {
          req.destroy();
          resolve(got);
        }
      });
      res.on('end', () => resolve(got));
    });
    req.on('error', (error) => (got >= keep ? resolve(got) : reject(error)));
    req.end();
  });
}

/** A GET whose client closes the connection the moment the last byte arrives (as curl does). */
export function getThenClose(port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent: false, headers: { Connection: 'keep-alive' } },
      (res) => {
        const chunks: Buffer[] = [];
        const length = Number(res.headers['content-length']);
        let got = 0;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          got += chunk.length;
          if (got >= length) {
            req.destroy();
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
            });
          }
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A multipart/form-data body with one file part. */
export function multipart(
  field: string,
  filename: string,
  data: Buffer,
  boundary = `----aiofs${Math.random().toString(16).slice(2)}`,
): { body: Buffer; head: Buffer; contentType: string } {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    body: Buffer.concat([head, data, tail]),
    head,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

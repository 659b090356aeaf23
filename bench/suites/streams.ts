import { Readable, Writable } from 'node:stream';

const BLOCK = 1024 * 1024;

function block(): Buffer {
  const data = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i++) data[i] = (i * 31 + 7) & 0xff;
  return data;
}

/** `size` bytes of the bench's repeating pattern, in memory (the data every subject writes). */
export function pattern(size: number): Buffer {
  const one = block();
  const data = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; at += BLOCK) one.copy(data, at, 0, Math.min(BLOCK, size - at));
  return data;
}

/**
 * The same `size` bytes as `pattern`, streamed in fresh 1 MiB chunks (as a file or a socket would
 * give them: a consumer that keeps every chunk shows it in its RSS).
 */
export function byteSource(size: number): Readable {
  const one = block();
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const n = Math.min(BLOCK, size - sent);
      sent += n;
      const fresh = Buffer.allocUnsafe(n);
      one.copy(fresh, 0, 0, n);
      this.push(fresh);
    },
  });
}

/** Consumes a stream and counts its bytes. */
export function byteSink(): Writable & { bytes: number } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      sink.bytes += chunk.length;
      callback();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}

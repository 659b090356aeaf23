import { Transform } from 'node:stream';
import { PayloadTooLargeError } from './errors';

/** Passes bytes through, counting them; fails with PayloadTooLargeError past `maxBytes`. */
export class ByteCounter extends Transform {
  bytes = 0;

  constructor(
    private readonly path: string,
    private readonly maxBytes = Infinity,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error) => void) {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(new PayloadTooLargeError(this.path, this.maxBytes));
      return;
    }
    this.push(chunk);
    callback();
  }
}

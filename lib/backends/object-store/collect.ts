/** Reads a response body of `length` bytes into one buffer; a body of another length fails. */
export async function collect(stream: AsyncIterable<Uint8Array>, length: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for await (const chunk of stream) {
    if (at + chunk.length > length) throw new Error('the service sent more bytes than announced');
    out.set(chunk, at);
    at += chunk.length;
  }
  if (at !== length) throw new Error('the service sent fewer bytes than announced');
  return out;
}

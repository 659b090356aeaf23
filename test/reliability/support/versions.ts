/**
 * Self-checking file content for the reliability suite. A version is a run of 16-byte records;
 * record i of a version with id v and n records holds [v, i, n, check(v, i, n)] (u32, big-endian).
 * Every byte of a file therefore says which version it belongs to, where it sits and how long
 * the whole file is: a read that mixes two versions, stops short or runs long cannot verify.
 */
export const RECORD_BYTES = 16;

/** A version id: the writer and its sequence number, so that versions never collide. */
export function versionId(writer: number, seq: number): number {
  return writer * 0x100000 + seq;
}

export function writerOf(id: number): number {
  return Math.floor(id / 0x100000);
}

export function seqOf(id: number): number {
  return id % 0x100000;
}

function check(v: number, i: number, n: number): number {
  let h = Math.imul(v ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ i, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ n, 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The bytes of version `id` with `records` records. */
export function versionBytes(id: number, records: number): Buffer {
  const out = Buffer.allocUnsafe(records * RECORD_BYTES);
  for (let i = 0; i < records; i++) writeRecord(out, i * RECORD_BYTES, id, i, records);
  return out;
}

/** The same bytes as `versionBytes`, made `chunkBytes` (a multiple of 16) at a time. */
export function* versionPieces(id: number, records: number, chunkBytes: number): Generator<Buffer> {
  const perPiece = Math.max(1, Math.floor(chunkBytes / RECORD_BYTES));
  for (let first = 0; first < records; first += perPiece) {
    const count = Math.min(perPiece, records - first);
    const out = Buffer.allocUnsafe(count * RECORD_BYTES);
    for (let k = 0; k < count; k++) writeRecord(out, k * RECORD_BYTES, id, first + k, records);
    yield out;
  }
}

function writeRecord(out: Buffer, at: number, id: number, i: number, records: number): void {
  out.writeUInt32BE(id, at);
  out.writeUInt32BE(i, at + 4);
  out.writeUInt32BE(records, at + 8);
  out.writeUInt32BE(check(id, i, records), at + 12);
}

export type Verdict = { ok: true; id: number; records: number } | { ok: false; reason: string };

/**
 * Checks that `data` is the bytes `[start, start + data.length)` of one version, and, with
 * `whole`, the entire version. Any mix, gap, shift or cut is a failure with the reason.
 */
export function verify(data: Buffer, options: { start?: number; whole?: boolean } = {}): Verdict {
  const start = options.start ?? 0;
  if (start % RECORD_BYTES !== 0) return { ok: false, reason: `unaligned start ${start}` };
  if (data.length === 0) return { ok: false, reason: 'empty read' };
  if (data.length % RECORD_BYTES !== 0)
    return { ok: false, reason: `length ${data.length} is not whole records` };
  const id = data.readUInt32BE(0);
  const records = data.readUInt32BE(8);
  const first = start / RECORD_BYTES;
  for (let k = 0; k < data.length / RECORD_BYTES; k++) {
    const at = k * RECORD_BYTES;
    const v = data.readUInt32BE(at);
    const i = data.readUInt32BE(at + 4);
    const n = data.readUInt32BE(at + 8);
    if (
      v !== id ||
      n !== records ||
      i !== first + k ||
      data.readUInt32BE(at + 12) !== check(v, i, n)
    )
      return {
        ok: false,
        reason: `record ${first + k}: version ${v} #${i}/${n}, expected version ${id} #${first + k}/${records}`,
      };
  }
  const end = first + data.length / RECORD_BYTES;
  if (end > records) return { ok: false, reason: `runs past the version's ${records} records` };
  if (options.whole && (first !== 0 || end !== records))
    return { ok: false, reason: `${end - first} of ${records} records` };
  return { ok: true, id, records };
}

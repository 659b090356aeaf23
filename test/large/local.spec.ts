import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { createFileSystem } from '../../lib';
import { streamRoundTrip } from './streaming';

const GiB = 2 ** 30;

test('local: a 1 GiB file streams in and out with peak RSS growth ≤ 64 MiB', async () => {
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-large-'));
  try {
    const { bavail, bsize } = statfsSync(dir);
    // the file, its temp copy during commit, and room to spare; as large as the disk allows
    const size = Math.min(GiB, Math.floor((bavail * bsize) / 3 / 2 ** 20) * 2 ** 20);
    expect(size).toBeGreaterThanOrEqual(256 * 2 ** 20);
    const fs = await createFileSystem({ backend: 'local', root: dir });
    await streamRoundTrip(fs, 'big/one.bin', size, 64);
    await fs.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

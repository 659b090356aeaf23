import { createFileSystem } from '../../lib';
import { dropBucket, rawClient, s3Options, s3Unavailable } from '../backends/s3/s3-env';
import { streamRoundTrip } from './streaming';

const GiB = 2 ** 30;
const unavailable = s3Unavailable();
const run = unavailable && process.env.AIOFS_TEST_REQUIRE_ALL !== '1' ? test.skip : test;

run('s3: a 1 GiB file streams in and out of moto with peak RSS growth ≤ 96 MiB', async () => {
  if (unavailable) throw new Error(`moto S3 server: ${unavailable}`);
  const bucket = `large-${process.pid}`;
  const fs = await createFileSystem(s3Options(bucket));
  try {
    await streamRoundTrip(fs, 'big/one.bin', GiB, 96);
  } finally {
    await fs.close();
    const raw = rawClient();
    await dropBucket(raw, bucket);
    raw.destroy();
  }
});

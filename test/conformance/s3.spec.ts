import { dropBucket, rawClient, s3Options, s3Unavailable } from '../backends/s3/s3-env';
import { describeConformance } from './suite';

const buckets: string[] = [];
let n = 0;

// Each store is a fresh bucket on the shared moto server; they are dropped when the file ends.
afterAll(async () => {
  if (s3Unavailable()) return;
  const raw = rawClient();
  await Promise.allSettled(buckets.map((b) => dropBucket(raw, b)));
  raw.destroy();
});

describeConformance({
  name: 's3',
  newStore: async () => {
    const bucket = `conformance-${process.pid}-${++n}`;
    buckets.push(bucket);
    return s3Options(bucket);
  },
  capabilities: {
    crossProcess: true,
    sharedStore: true,
    // moto runs one write at a time for every suite at once (test/servers/moto/serve.py): a
    // renewal may wait behind another worker's multipart upload, so a lease shorter than a few
    // seconds can lapse there while the library does just what it promises (refuses the commit).
    minLockTtlMs: 3000,
    fileAndFolderSameName: true,
    bigFileBytes: 12 << 20,
    lockClockGrainMs: 1000,
  },
  unavailable: s3Unavailable,
});

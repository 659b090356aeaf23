import { describeSampleE2E } from './sample.e2e';

let n = 0;

describeSampleE2E({
  name: 's3',
  unavailable: () => process.env.AIOFS_TEST_S3_UNAVAILABLE,
  env: () => ({
    AIOFS_URL: `s3://e2e-${process.pid}-${++n}?endpoint=${process.env.AIOFS_TEST_S3_ENDPOINT}&forcePathStyle=true&createBucket=true`,
    AIOFS_S3_ACCESS_KEY_ID: 'aiofs-test',
    AIOFS_S3_SECRET_ACCESS_KEY: 'aiofs-test-secret',
  }),
});

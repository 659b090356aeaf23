import { randomBytes } from 'node:crypto';
import { describeSampleProcess } from './sample-process.e2e';

// one store for the whole file: the SIGTERM test restarts the app and must find its files again
const prefix = `e2e-process:${randomBytes(6).toString('hex')}:`;

describeSampleProcess({
  name: 'redis',
  unavailable: () => process.env.AIOFS_TEST_REDIS_UNAVAILABLE,
  env: () => ({
    AIOFS_URL: `${process.env.AIOFS_TEST_REDIS_URL}?keyPrefix=${prefix}`,
  }),
  limitMiB: 96,
});

describeSampleProcess({
  name: 'azure',
  unavailable: () => process.env.AIOFS_TEST_AZURE_UNAVAILABLE,
  env: () => ({
    AIOFS_URL: `azure://e2e-process-${process.pid}`,
    AIOFS_AZURE_CONNECTION_STRING: process.env.AIOFS_TEST_AZURE_CONNECTION_STRING ?? '',
  }),
  limitMiB: 128,
});

describeSampleProcess({
  name: 's3',
  unavailable: () => process.env.AIOFS_TEST_S3_UNAVAILABLE,
  env: () => ({
    AIOFS_URL: `s3://e2e-process-${process.pid}?endpoint=${process.env.AIOFS_TEST_S3_ENDPOINT}&forcePathStyle=true&createBucket=true`,
    AIOFS_S3_ACCESS_KEY_ID: 'aiofs-test',
    AIOFS_S3_SECRET_ACCESS_KEY: 'aiofs-test-secret',
  }),
  limitMiB: 128,
});

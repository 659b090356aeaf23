import { randomBytes } from 'node:crypto';
import { describeSampleE2E } from './sample.e2e';

describeSampleE2E({
  name: 'redis',
  unavailable: () => process.env.AIOFS_TEST_REDIS_UNAVAILABLE,
  env: () => ({
    AIOFS_URL: `${process.env.AIOFS_TEST_REDIS_URL}?keyPrefix=e2e:${randomBytes(6).toString('hex')}:`,
  }),
});

import { randomBytes } from 'node:crypto';
import { describeSampleE2E } from './sample.e2e';

const nodes = () => process.env.AIOFS_TEST_REDIS_CLUSTER_NODES ?? '';

describeSampleE2E({
  name: 'redis-cluster',
  unavailable: () => process.env.AIOFS_TEST_REDIS_UNAVAILABLE,
  env: () => ({
    AIOFS_URL: `redis://${nodes().split(',')[0]}?keyPrefix=e2e:${randomBytes(6).toString('hex')}:`,
    AIOFS_REDIS_CLUSTER_NODES: nodes(),
  }),
});

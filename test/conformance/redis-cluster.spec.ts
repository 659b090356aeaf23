import { describeRedisConformance } from './redis-store';

describeRedisConformance('redis-cluster', () => ({
  cluster: { nodes: process.env.AIOFS_TEST_REDIS_CLUSTER_NODES!.split(',') },
}));

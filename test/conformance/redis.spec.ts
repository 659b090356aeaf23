import { describeRedisConformance } from './redis-store';

describeRedisConformance('redis', () => ({ url: process.env.AIOFS_TEST_REDIS_URL! }));

import type { Bench } from '../harness';
import { azureSuite } from './azure.bench';
import { localSuite } from './local.bench';
import { redisSuite } from './redis.bench';
import { s3Suite } from './s3.bench';

/** A suite measures its workloads into `bench`; it returns a reason string when it cannot run. */
export type Suite = (bench: Bench) => Promise<void | string>;

export const suites: Record<string, Suite> = {
  local: localSuite,
  redis: redisSuite,
  azure: azureSuite,
  s3: s3Suite,
};

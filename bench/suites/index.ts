import type { Bench } from '../harness';
import { azureSuite } from './azure.bench';
import { localSuite } from './local.bench';
import { redisSuite } from './redis.bench';

/** A suite measures its workloads into `bench`; it returns a reason string when it cannot run. */
export type Suite = (bench: Bench) => Promise<void | string>;

export const suites: Record<string, Suite> = {
  local: localSuite,
  redis: redisSuite,
  azure: azureSuite,
};

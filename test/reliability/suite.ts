import { crashScenario } from './scenarios/crash';
import { faultScenario } from './scenarios/faults';
import { hostileScenario } from './scenarios/hostile';
import { modelScenario } from './scenarios/model';
import { processScenarios } from './scenarios/processes';
import { describeTarget, TARGETS, type ReliabilityTarget } from './targets';

/**
 * Every reliability scenario on one backend; the fault scenarios where the test can stop the
 * backend's server (not on the local disk).
 */
export function describeReliability(name: ReliabilityTarget['name']): void {
  const target = TARGETS[name];
  describeTarget(target, `reliability: ${name}`, () => {
    processScenarios(target);
    crashScenario(target);
    if (name !== 'local') faultScenario(target);
    hostileScenario(target);
    modelScenario(target);
  });
}

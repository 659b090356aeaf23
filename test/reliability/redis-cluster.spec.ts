import { crashScenario } from './scenarios/crash';
import { processScenarios } from './scenarios/processes';
import { describeTarget, TARGETS } from './targets';

const target = TARGETS['redis-cluster'];

describeTarget(target, 'reliability: redis-cluster', () => {
  processScenarios(target);
  crashScenario(target);
});

import { crashScenario } from './scenarios/crash';
import { processScenarios } from './scenarios/processes';
import { describeTarget, TARGETS } from './targets';

const target = TARGETS['redis'];

describeTarget(target, 'reliability: redis', () => {
  processScenarios(target);
  crashScenario(target);
});

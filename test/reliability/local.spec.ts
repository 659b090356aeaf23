import { crashScenario } from './scenarios/crash';
import { processScenarios } from './scenarios/processes';
import { describeTarget, TARGETS } from './targets';

const target = TARGETS.local;

describeTarget(target, 'reliability: local', () => {
  processScenarios(target);
  crashScenario(target);
});

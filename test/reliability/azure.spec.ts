import { crashScenario } from './scenarios/crash';
import { processScenarios } from './scenarios/processes';
import { describeTarget, TARGETS } from './targets';

const target = TARGETS['azure'];

describeTarget(target, 'reliability: azure', () => {
  processScenarios(target);
  crashScenario(target);
});

import { crashScenario } from './scenarios/crash';
import { hostileScenario } from './scenarios/hostile';
import { modelScenario } from './scenarios/model';
import { processScenarios } from './scenarios/processes';
import { describeTarget, TARGETS } from './targets';

const target = TARGETS.local;

describeTarget(target, 'reliability: local', () => {
  processScenarios(target);
  crashScenario(target);
  hostileScenario(target);
  modelScenario(target);
});

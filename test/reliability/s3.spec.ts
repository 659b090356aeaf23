import { crashScenario } from './scenarios/crash';
import { faultScenario } from './scenarios/faults';
import { hostileScenario } from './scenarios/hostile';
import { modelScenario } from './scenarios/model';
import { processScenarios } from './scenarios/processes';
import { describeTarget, TARGETS } from './targets';

const target = TARGETS['s3'];

describeTarget(target, 'reliability: s3', () => {
  processScenarios(target);
  crashScenario(target);
  faultScenario(target);
  hostileScenario(target);
  modelScenario(target);
});

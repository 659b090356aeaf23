import { describeSampleE2E } from './sample.e2e';
import { TARGETS } from './targets';

describeSampleE2E(TARGETS['redis']);

import { describeReliability } from './suite';

describeReliability('local');

import { describeReliability } from './suite';

describeReliability('redis');

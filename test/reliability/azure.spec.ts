import { describeReliability } from './suite';

describeReliability('azure');

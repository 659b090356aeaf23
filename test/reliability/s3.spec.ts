import { describeReliability } from './suite';

describeReliability('s3');

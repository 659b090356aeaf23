import { describeSampleE2E } from './sample.e2e';

let n = 0;

describeSampleE2E({
  name: 'azure',
  unavailable: () => process.env.AIOFS_TEST_AZURE_UNAVAILABLE,
  env: () => ({
    AIOFS_URL: `azure://e2e-${process.pid}-${++n}`,
    AIOFS_AZURE_CONNECTION_STRING: process.env.AIOFS_TEST_AZURE_CONNECTION_STRING ?? '',
  }),
});

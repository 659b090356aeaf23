import { describeSampleE2E } from './sample.e2e';

describeSampleE2E({ name: 'memory', env: () => ({ AIOFS_URL: 'memory://' }) });

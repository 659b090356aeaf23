import type { Bench } from '../harness';

/** Placeholder: the local suite is written next. */
export async function localSuite(_bench: Bench): Promise<string> {
  return 'not written yet';
}

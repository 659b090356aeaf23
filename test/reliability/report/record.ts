import { writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { SCALE } from '../scale';

export const SCENARIOS = {
  contention: '1. Contention',
  counter: '2. No lost updates',
  torn: '3. No torn reads',
  crash: '4. Crash (SIGKILL)',
  faults: '5. Server faults',
  hostile: '6. Hostile input',
  model: '7. Model check',
} as const;

export type ScenarioId = keyof typeof SCENARIOS;

/** What a scenario reports: what it did, what it found, and the raw numbers. */
export interface Figures {
  /** The load, in words: "8 processes × 200 rounds". */
  load: string;
  /** The result, in words: "1 holder per round; 1 400 BlockingIOError; overlaps 0". */
  result: string;
  numbers: Record<string, number>;
}

/** One row of docs/reliability.md. */
export interface Row extends Figures {
  scenario: ScenarioId;
  backend: string;
  scale: string;
  status: 'passed' | 'failed';
  seconds: number;
  at: string;
  error?: string;
}

/** Where this run's rows go (the global setup makes it); undefined outside the reliability run. */
function resultsDir(): string | undefined {
  return process.env.AIOFS_RELIABILITY_RESULTS;
}

function write(row: Row): void {
  const dir = resultsDir();
  if (!dir) return;
  writeFileSync(nodePath.join(dir, `${row.scenario}-${row.backend}.json`), JSON.stringify(row));
}

/**
 * A test whose figures go into docs/reliability.md: `body` runs the scenario, asserts, and
 * returns its figures. A failure is recorded as such (with its message) and still fails the test.
 */
export function scenarioTest(
  scenario: ScenarioId,
  backend: string,
  title: string,
  body: () => Promise<Figures>,
  timeoutMs: number,
): void {
  test(
    title,
    async () => {
      const started = Date.now();
      const base = { scenario, backend, scale: SCALE, at: new Date().toISOString() };
      try {
        const figures = await body();
        write({ ...base, ...figures, status: 'passed', seconds: (Date.now() - started) / 1000 });
      } catch (error) {
        write({
          ...base,
          load: '',
          result: '',
          numbers: {},
          status: 'failed',
          seconds: (Date.now() - started) / 1000,
          error: String((error as Error)?.message ?? error)
            .split('\n')
            .slice(0, 3)
            .join(' '),
        });
        throw error;
      }
    },
    timeoutMs,
  );
}

/** `n` with thin spaces between thousands, for the tables. */
export function num(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { createFileSystem } from '../../../lib';
import { num, scenarioTest } from '../report/record';
import { COUNTS_NOW } from '../scale';
import type { ContendResult } from '../support/protocol';
import type { WorkerProcess } from '../support/worker-process';
import type { ReliabilityTarget } from '../targets';

/**
 * Scenario 1: every round, all the processes try to open the same path for writing at once.
 * Exactly one gets it (it holds the lock until every other has answered); the others get
 * BlockingIOError. The winner logs its entry and exit to a shared file (O_APPEND, one total
 * order): the log must alternate enter/exit, one holder at a time.
 */
export function contentionScenario(
  target: ReliabilityTarget,
  pool: () => { workers: WorkerProcess[]; options: object },
): void {
  scenarioTest(
    'contention',
    target.name,
    `${COUNTS_NOW.processes} processes race to open one path for writing, ${COUNTS_NOW.contentionRounds} rounds`,
    async () => {
      const { workers, options } = pool();
      const dir = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-contention-'));
      const log = nodePath.join(dir, 'holders.log');
      const rounds = COUNTS_NOW.contentionRounds;
      let blocked = 0;
      let lastWinner = '';
      try {
        for (let round = 0; round < rounds; round++) {
          const results = await Promise.all(
            workers.map((w) =>
              w.call<ContendResult>({
                op: 'contend',
                path: 'race.txt',
                log,
                tag: `${round}:${w.pid}`,
              }),
            ),
          );
          const winners = workers.filter((_, i) => results[i].won);
          const losers = results.filter((r) => !r.won);
          expect({ round, winners: winners.length }).toEqual({ round, winners: 1 });
          for (const r of losers)
            expect(r.error).toMatchObject({ name: 'BlockingIOError', code: 'EWOULDBLOCK' });
          blocked += losers.length;
          lastWinner = `${round}:${winners[0].pid}`;
          await winners[0].call({ op: 'release', log, tag: lastWinner });
        }
        const lines = readFileSync(log, 'utf8').trim().split('\n');
        expect(lines).toHaveLength(2 * rounds);
        let overlaps = 0;
        for (let i = 0; i < lines.length; i += 2) {
          const [enter, exit] = [lines[i], lines[i + 1]];
          if (!enter.startsWith('E ') || exit !== `X ${enter.slice(2)}`) overlaps++;
        }
        expect(overlaps).toBe(0);
        // The file holds what the last holder wrote, whole.
        const fs = await createFileSystem(options as never);
        expect((await fs.readFile('race.txt')).toString()).toBe(`${lastWinner}\n`);
        await fs.close();
        return {
          load: `${workers.length} processes × ${num(rounds)} rounds`,
          result: `1 holder in every round; ${num(blocked)} BlockingIOError; overlaps in the log 0`,
          numbers: { processes: workers.length, rounds, blocked, overlaps },
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    600_000,
  );
}

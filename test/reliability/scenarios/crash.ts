import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createFileSystem, type FileLikeSystem } from '../../../lib';
import { num, scenarioTest } from '../report/record';
import { COUNTS_NOW } from '../scale';
import { dropStore } from '../support/stores';
import { LockAttempts, StallClock, type LockAttempt } from '../support/takeover-probe';
import { verify, versionBytes, versionId } from '../support/versions';
import { WorkerProcess } from '../support/worker-process';
import type { ReliabilityTarget } from '../targets';

type Phase = 'opening' | 'writing' | 'closing';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

/** A worker that starts now; a failed start is the await's error, never an unhandled one. */
function startSpare(options: object): Promise<WorkerProcess> {
  const started = WorkerProcess.start(options);
  started.catch(() => undefined);
  return started;
}

/** Waits for the writer's `event`; fails if its write ended (or failed) before. */
async function reach(
  worker: WorkerProcess,
  event: 'opened' | 'closing',
  writing: Promise<unknown>,
) {
  await Promise.race([
    worker.next(event),
    writing.then(
      () => Promise.reject(new Error(`the writer finished before '${event}'`)),
      (error: Error) =>
        Promise.reject(new Error(`the writer failed before '${event}': ${error.message}`)),
    ),
  ]);
}

interface Lane {
  path: string;
  /** The version the file must hold (the last one committed). */
  committed: number;
  spare: Promise<WorkerProcess>;
}

interface Tally {
  kills: number;
  phases: Record<Phase, number>;
  /** Kills while closing after which the new version was whole and visible. */
  newVisible: number;
  /** From the kill to the lock in the next writer's hands, as the test process saw it. */
  slowestTakeoverMs: number;
  /** From the kill to the latest lock attempt the server refused: how long the lease outlived it. */
  slowestHoldMs: number;
  /** The longest wait of the waiter between a refusal and its next attempt, less the stall. */
  slowestRetryMs: number;
  /** The most the test process's event loop stood still during one takeover. */
  mostBlockedMs: number;
}

/** What one takeover's lock attempts show. */
function takeover(killAt: number, tries: LockAttempt[], clock: StallClock) {
  const refused = tries.filter((t) => !t.got);
  // The server still held the lock when it answered each refusal, after that attempt was sent.
  const holdMs = refused.length > 0 ? refused[refused.length - 1].start - killAt : 0;
  let retryMs = 0;
  for (let i = 1; i < tries.length; i++) {
    const pause = tries[i].start - tries[i - 1].end;
    retryMs = Math.max(retryMs, pause - clock.blockedMs(tries[i - 1].end, tries[i].start));
  }
  return { holdMs, retryMs, blockedMs: clock.blockedMs(killAt, tries[tries.length - 1].end) };
}

/**
 * Scenario 4: in each lane (its own path), a writer process streams a new version and is killed
 * with SIGKILL at a random point: while opening, mid-stream, or while closing. The file must
 * hold the last committed version whole (a kill while closing may have committed the new one,
 * whole), `ls` must show only the lanes' files, and the lock must be free within the lease TTL +
 * 1 s of the kill on the server's side: the next writer's lock attempts, recorded one by one, are
 * refused no later than that, and it asks again within 1 s of each refusal (less the time this
 * process stood still). That writer commits the lane's next version.
 *
 * Why not the time from the kill to the lock in hand, as this process sees it: on a loaded 2-core
 * machine it came up to 7.4 s past the 15 s Azure lease (and 1.1 s past Redis's 1 s one) while the
 * server had refused the lock at most 14.8 s after the kill: the lease expired on time. The rest
 * was this process's event loop standing still (garbage collection up to 0.5 s, forking the next
 * worker up to 0.4 s, blocks of 1 to 4.4 s without CPU, during which its waiter could not ask) and
 * Azurite's answers taking up to 5 s; on Redis, the lock was already free at the waiter's first
 * attempt, which came late because the checks before it stood still. That time is reported.
 */
export function crashScenario(target: ReliabilityTarget): void {
  const azure = target.name === 'azure';
  const lanes = azure ? COUNTS_NOW.azureCrashLanes : COUNTS_NOW.crashLanes;
  const killsPerLane = azure ? COUNTS_NOW.azureCrashKillsPerLane : COUNTS_NOW.crashKillsPerLane;
  const ttl = target.shortestLockTtlMs;
  // 2 MiB in 64 KiB pieces (past Redis's 1 MiB chunk); 9.6 MiB in 512 KiB on Azure (one 8 MiB block staged)
  const records = azure ? 600_000 : 131_072;
  const chunkBytes = azure ? 512 * 1024 : 64 * 1024;
  const paceMs = azure ? 15 : 6;
  const windowMs = Math.floor((records * 16) / chunkBytes) * paceMs;

  scenarioTest(
    'crash',
    target.name,
    `${lanes * killsPerLane} writers killed with SIGKILL at random points leave the old content, no temp data, and the lock free within TTL + 1 s on the server, taken at once by a waiter`,
    async () => {
      // The killed writers hold the shortest lease (what the takeover bound measures). The test
      // process is the surviving writer: it holds the default 30 s lease, as an application
      // would. With a 1 s lease of its own, a stall of its event loop of 2/3 s (two renewals
      // missed) on this loaded 2-core machine made it lose its lease, rightly, and refuse to
      // commit (seen once on redis): that says nothing about crashes, so it is not tested here.
      const options = target.newStore({ lockTtlMs: ttl });
      const fs = await createFileSystem({ ...options, lockTtlMs: 30_000 });
      const lag = monitorEventLoopDelay({ resolution: 20 });
      lag.enable();
      const attempts = new LockAttempts(fs);
      const clock = new StallClock();
      const tally: Tally = {
        kills: 0,
        phases: { opening: 0, writing: 0, closing: 0 },
        newVisible: 0,
        slowestTakeoverMs: 0,
        slowestHoldMs: 0,
        slowestRetryMs: 0,
        mostBlockedMs: 0,
      };
      const all: Lane[] = [];
      try {
        for (let l = 0; l < lanes; l++) {
          const path = `crash/lane-${l}.bin`;
          const committed = versionId(100 + l, 0);
          await fs.writeFile(path, versionBytes(committed, 64));
          all.push({ path, committed, spare: startSpare(options) });
        }
        const paths = all.map((lane) => lane.path).sort();
        await Promise.all(
          all.map(async (lane, l) => {
            for (let k = 1; k <= killsPerLane; k++) {
              const worker = await lane.spare;
              lane.spare = startSpare(options);
              const phase = pick<Phase>(['opening', 'writing', 'writing', 'writing', 'closing']);
              const id = versionId(200 + l, k);
              const writing = worker.call({
                op: 'crashWrite',
                path: lane.path,
                id,
                // Killed before closing: a stream far longer than the wait, so that even a
                // stalled test process cannot let it reach its commit.
                records: phase === 'closing' ? records : records * 16,
                chunkBytes,
                paceMs,
                via: pick(['open', 'stream']),
              });
              writing.catch(() => undefined);
              if (phase === 'opening') {
                await sleep(Math.random() * 40);
              } else if (phase === 'writing') {
                await reach(worker, 'opened', writing);
                await sleep(Math.random() * windowMs);
              } else {
                await reach(worker, 'closing', writing);
                await sleep(Math.random() * 30);
              }
              const killAt = Date.now();
              await worker.kill();
              tally.kills++;
              tally.phases[phase]++;
              await checkAfterKill(fs, lane, id, phase, paths, tally);
              attempts.take(lane.path);
              // Long enough that only the checks below can fail the takeover.
              const file = await fs.open(lane.path, 'w', { lockTimeoutMs: 2 * ttl + 30_000 });
              const waited = Date.now() - killAt;
              const seen = takeover(killAt, attempts.take(lane.path), clock);
              tally.slowestTakeoverMs = Math.max(tally.slowestTakeoverMs, waited);
              tally.slowestHoldMs = Math.max(tally.slowestHoldMs, seen.holdMs);
              tally.slowestRetryMs = Math.max(tally.slowestRetryMs, seen.retryMs);
              tally.mostBlockedMs = Math.max(tally.mostBlockedMs, seen.blockedMs);
              // The promise, on the server's side: no lock attempt sent later than TTL + 1 s
              // after the kill was refused. And the waiter asked again within 1 s of each
              // refusal (it pauses 250 ms at most), not counting the time this process stood
              // still: so it took the lock within about a round trip of the lease's expiry.
              expect({ path: lane.path, heldPastBound: seen.holdMs > ttl + 1000 }).toEqual({
                path: lane.path,
                heldPastBound: false,
              });
              expect({ path: lane.path, slowRetry: seen.retryMs > 1000 }).toEqual({
                path: lane.path,
                slowRetry: false,
              });
              lane.committed = versionId(100 + l, k);
              await file.write(versionBytes(lane.committed, 64 + k));
              await file.close();
            }
          }),
        );
        expect(await fs.ls()).toEqual(paths);
        lag.disable();
        const maxLagMs = Math.round(lag.max / 1e6);
        return {
          load: `${num(tally.kills)} kills (${lanes} lanes × ${killsPerLane}; ${tally.phases.opening} opening, ${tally.phases.writing} mid-stream, ${tally.phases.closing} closing); lease ${ttl / 1000} s`,
          result: `old content intact ${tally.kills - tally.newVisible}, new version whole ${tally.newVisible} (killed while closing), torn 0; temp data visible 0; lock refused by the server at most ${(tally.slowestHoldMs / 1000).toFixed(2)} s after a kill (bound ${(ttl + 1000) / 1000} s), the waiter asking again within ${tally.slowestRetryMs} ms of a refusal (bound 1 000 ms, stalls of the test process not counted); lock in hand within ${(tally.slowestTakeoverMs / 1000).toFixed(2)} s of a kill, the test process standing still up to ${(tally.mostBlockedMs / 1000).toFixed(2)} s of one takeover (event loop delay up to ${maxLagMs} ms)`,
          numbers: {
            kills: tally.kills,
            lanes,
            lockTtlMs: ttl,
            opening: tally.phases.opening,
            writing: tally.phases.writing,
            closing: tally.phases.closing,
            newVisible: tally.newVisible,
            slowestTakeoverMs: tally.slowestTakeoverMs,
            slowestHoldMs: tally.slowestHoldMs,
            slowestRetryMs: tally.slowestRetryMs,
            mostBlockedMs: tally.mostBlockedMs,
            maxLagMs,
          },
        };
      } finally {
        clock.stop();
        lag.disable();
        await Promise.all(
          all.map(async (lane) => (await lane.spare.catch(() => undefined))?.kill()),
        );
        await fs.close();
        await dropStore(options);
      }
    },
    1_800_000,
  );
}

/** The lane's file is one whole version, the committed one (or, killed while closing, the new one). */
async function checkAfterKill(
  fs: FileLikeSystem,
  lane: Lane,
  id: number,
  phase: Phase,
  paths: string[],
  tally: Tally,
): Promise<void> {
  const data = await fs.readFile(lane.path);
  const verdict = verify(data, { whole: true });
  expect(verdict).toMatchObject({ ok: true });
  const seen = verdict.ok ? verdict.id : -1;
  if (seen === id && phase === 'closing') {
    tally.newVisible++;
    lane.committed = id;
  }
  expect({ path: lane.path, phase, version: seen }).toEqual({
    path: lane.path,
    phase,
    version: lane.committed,
  });
  expect(await fs.ls()).toEqual(paths);
  expect((await fs.stat(lane.path)).size).toBe(data.length);
}

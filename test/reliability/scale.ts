/**
 * How much the reliability suite does. `full` (the default) is what docs/reliability.md reports;
 * `ci` (AIOFS_RELIABILITY_SCALE=ci) is the bounded form CI runs after `npm test`.
 */
export type Scale = 'full' | 'ci';

export const SCALE: Scale = process.env.AIOFS_RELIABILITY_SCALE === 'ci' ? 'ci' : 'full';

export interface Counts {
  processes: number;
  contentionRounds: number;
  /** Increments per process. */
  increments: number;
  /** Increments per process on Azure, whose commit takes several HTTP round trips. */
  azureIncrements: number;
  tornWriters: number;
  tornReaders: number;
  /** Versions each writer commits. */
  tornVersions: number;
  /** Crash lanes (paths killed in parallel) and kills per lane. */
  crashLanes: number;
  crashKillsPerLane: number;
  /** Azure leases last at least 15 s, so its crashes run in more lanes of fewer kills. */
  azureCrashLanes: number;
  azureCrashKillsPerLane: number;
  faultCycles: number;
  hostilePaths: number;
  hostilePatterns: number;
  modelRuns: number;
  modelCommands: number;
}

const COUNTS: Record<Scale, Counts> = {
  full: {
    processes: 8,
    contentionRounds: 200,
    increments: 100,
    azureIncrements: 25,
    tornWriters: 2,
    tornReaders: 6,
    tornVersions: 60,
    crashLanes: 5,
    crashKillsPerLane: 10,
    azureCrashLanes: 10,
    azureCrashKillsPerLane: 5,
    faultCycles: 4,
    hostilePaths: 4000,
    hostilePatterns: 1000,
    modelRuns: 100,
    modelCommands: 40,
  },
  ci: {
    processes: 8,
    contentionRounds: 40,
    increments: 15,
    azureIncrements: 5,
    tornWriters: 2,
    tornReaders: 6,
    tornVersions: 12,
    crashLanes: 5,
    crashKillsPerLane: 2,
    azureCrashLanes: 4,
    azureCrashKillsPerLane: 1,
    faultCycles: 2,
    hostilePaths: 1000,
    hostilePatterns: 300,
    modelRuns: 25,
    modelCommands: 25,
  },
};

export const COUNTS_NOW: Counts = COUNTS[SCALE];

import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Calls per command, from `INFO commandstats` (commands run by scripts are counted too). */
export async function commandCalls(client: Redis): Promise<Map<string, number>> {
  const info = await client.info('commandstats');
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    calls.set(match[1], Number(match[2]));
  }
  return calls;
}

export interface CommandCount {
  /** The `INFO commandstats` delta (the INFO calls themselves left out). */
  delta: Record<string, number>;
  /** EVALSHA and EVAL calls. */
  scripts: number;
  /** Requests the client sent: MONITOR's lines between two markers, less those of scripts. */
  roundTrips: number;
  /** Those requests' command names, in order. */
  sent: string[];
}

/**
 * What `action` made the server run. `stats` reads INFO and `monitor` runs MONITOR: two clients
 * of the caller's, on a server where nothing else runs meanwhile.
 */
export async function countCommands(
  clients: { stats: Redis; monitor: Redis },
  action: () => Promise<unknown>,
): Promise<CommandCount> {
  const monitor = await clients.monitor.monitor();
  const lines: Array<{ args: string[]; source: string }> = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) =>
    lines.push({ args, source }),
  );
  const marker = `aiofs-marker-${randomBytes(6).toString('hex')}`;
  const seen = async (word: string) => {
    await clients.stats.echo(word);
    for (let i = 0; i < 200 && !lines.some((l) => l.args[1] === word); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return lines.findIndex((l) => l.args[1] === word);
  };
  try {
    await seen(`${marker}-start`);
    const before = await commandCalls(clients.stats);
    await action();
    const after = await commandCalls(clients.stats);
    const start = lines.findIndex((l) => l.args[1] === `${marker}-start`);
    const end = await seen(`${marker}-end`);
    const sent = lines
      .slice(start + 1, end)
      .filter((l) => l.source !== 'lua')
      .map((l) => l.args[0].toLowerCase())
      .filter((name) => name !== 'info');
    const delta: Record<string, number> = {};
    for (const [name, calls] of after) {
      const diff = calls - (before.get(name) ?? 0) - (name === 'info' ? 1 : 0);
      if (diff > 0) delta[name] = diff;
    }
    const scripts = (delta.evalsha ?? 0) + (delta.eval ?? 0);
    return { delta, scripts, roundTrips: sent.length, sent };
  } finally {
    monitor.disconnect();
  }
}

/** One line like `evalsha 1, get 1`. */
export function describeDelta(delta: Record<string, number>): string {
  return Object.entries(delta)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, calls]) => `${name} ${calls}`)
    .join(', ');
}

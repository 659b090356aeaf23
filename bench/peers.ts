import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as nodePath from 'node:path';

/**
 * The peer libraries, loaded when a suite needs them. OpenDAL is a devDependency (0.49.2), but its
 * native binary comes from a per-platform package that exists on the registry for Linux x64 only,
 * and 0.49.2 is the last release whose gnu build loads on glibc 2.36 (later ones need 2.38):
 * where it cannot be loaded, its rows say why.
 */
const load = createRequire(__filename);

/** The version of an installed package, or undefined when it is not installed. */
export function versionOf(name: string): string | undefined {
  for (const dir of require.resolve.paths(name) ?? []) {
    const file = nodePath.join(dir, name, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return undefined;
}

/** The subset of OpenDAL's Node binding the bench uses (typed here: the package may be absent). */
export interface OpendalOperator {
  read(path: string, options?: { offset?: bigint; size?: bigint }): Promise<Buffer>;
  write(path: string, content: Buffer | string): Promise<unknown>;
  list(path: string, options?: { recursive?: boolean }): Promise<Array<{ path(): string }>>;
  reader(path: string): Promise<{ createReadStream(): NodeJS.ReadableStream }>;
  writer(path: string): Promise<{ createWriteStream(): NodeJS.WritableStream }>;
  delete(path: string): Promise<void>;
}

export interface Opendal {
  Operator: new (scheme: string, options: Record<string, string>) => OpendalOperator;
}

/** OpenDAL, or the reason it cannot be used here. */
export function loadOpendal(): Opendal | string {
  if (!versionOf('opendal')) return 'opendal is not installed (npm ci installs it)';
  try {
    return load('opendal') as Opendal;
  } catch (error) {
    const reasons = [error, ...((error as { cause?: unknown[] }).cause ?? [])]
      .map((e) => (e as Error).message)
      .filter((m) => /GLIBC|not found|Cannot find/.test(m));
    return `opendal ${versionOf('opendal')} does not load on this machine: ${reasons.at(-1) ?? (error as Error).message}`;
  }
}

/** The versions every run's header shows (peers that are not installed are left out). */
export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of [
    'aiofs',
    'ioredis',
    '@azure/storage-blob',
    'unstorage',
    'opendal',
    'flydrive',
    'azurite',
  ]) {
    const version = name === 'aiofs' ? aiofsVersion() : versionOf(name);
    if (version) versions[name] = version;
  }
  return versions;
}

/** aiofs's version, with the commit measured and whether lib/ had uncommitted changes. */
function aiofsVersion(): string {
  const version = (load('../package.json') as { version: string }).version;
  const git = (args: string[]) =>
    spawnSync('git', args, { cwd: nodePath.join(__dirname, '..'), encoding: 'utf8' });
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (head.status !== 0) return version;
  const dirty = git(['status', '--porcelain', '--', 'lib']).stdout.trim() !== '';
  return `${version} (${head.stdout.trim()}${dirty ? ', lib/ with uncommitted changes' : ''})`;
}

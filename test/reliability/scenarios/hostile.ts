import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import fc from 'fast-check';
import Redis, { Cluster } from 'ioredis';
import {
  createFileSystem,
  FileSystemError,
  InvalidPathError,
  type FileLikeSystem,
  type FileSystemOptions,
} from '../../../lib';
import { num, scenarioTest } from '../report/record';
import { COUNTS_NOW } from '../scale';
import { dropStore } from '../support/stores';
import type { ReliabilityTarget } from '../targets';

/*
 * Scenario 6. The oracle below is written from DESIGN §3 alone (not from lib/core/paths.ts):
 * a path is `/`-separated segments; empty and `.` segments are dropped; `..`, an empty result,
 * a control character (Unicode Cc), a backslash, more than 1024 UTF-8 bytes, a reserved
 * bookkeeping name (`.aiofs…`) and, on Redis, `:` `{` `}` are refused. On local, a path that
 * goes through a symlink leading out of the root is refused too.
 */

/** Symlinks the local store gets inside its root: two lead out, one stays inside. */
const LINKS_OUT = ['out', 'd/up'];
const LINK_IN = { from: 'in', to: 'd' };

type Verdict = { valid: true; path: string } | { valid: false; why: string };

function oracle(input: string, backend: ReliabilityTarget['name']): Verdict {
  if (Buffer.byteLength(input, 'utf8') > 1024) return { valid: false, why: 'overlong' };
  const segments = input.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) return { valid: false, why: 'empty' };
  for (const s of segments) {
    if (s === '..') return { valid: false, why: 'traversal' };
    if (/\p{Cc}/u.test(s)) return { valid: false, why: 'control' };
    if (s.includes('\\')) return { valid: false, why: 'backslash' };
    if (s.startsWith('.aiofs')) return { valid: false, why: 'reserved' };
    if (backend.startsWith('redis') && /[:{}]/.test(s))
      return { valid: false, why: 'redis-special' };
  }
  const path = segments.join('/');
  if (backend === 'local') {
    const real = resolveLocal(path);
    if (LINKS_OUT.some((l) => real.startsWith(`${l}/`))) return { valid: false, why: 'symlink' };
  }
  return { valid: true, path };
}

/** Where a path lands on local (the inner symlink followed). */
function resolveLocal(path: string): string {
  return path === LINK_IN.from || path.startsWith(`${LINK_IN.from}/`)
    ? LINK_IN.to + path.slice(LINK_IN.from.length)
    : path;
}

/** Lone surrogates are left out: they have no UTF-8 form, so no name could round-trip. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const NAME_CHARS = [
  ...'abcXYZ09-_ .~#&@$,;=+!()\'"<>|',
  '%',
  '[',
  ']',
  '^',
  '*',
  '?',
  ':',
  '{',
  '}',
  'é',
  'ß',
  '中',
  '文',
  '😀',
  'Ａ',
  'e\u0301',
  '\u202e',
  '\ufeff',
  '\u00a0',
];
const HOSTILE_PIECES = [
  '..',
  '.',
  '...',
  '%2e%2e',
  '%2E%2E%2F',
  '..%2f',
  '%2f',
  '%5c',
  '%00',
  '%252e%252e',
  '\u0000',
  '\u0001',
  '\t',
  '\n',
  '\r',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
  '\\',
  '..\\..',
  'C:\\Windows',
  '\\\\server\\share',
  '~',
  '.aiofs',
  '.aiofs-tmp-1',
  '.aiofsx',
  '.aiofs-lock',
  '\u2024\u2024',
  '\uff0e\uff0e',
  '..\u0000',
  'CON',
  'nul',
];

const segment = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...NAME_CHARS) },
      { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
      {
        weight: 1,
        arbitrary: fc
          .string({ unit: 'binary', minLength: 1, maxLength: 3 })
          .filter((s) => !LONE_SURROGATE.test(s)),
      },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
    ),
    { minLength: 0, maxLength: 8 },
  )
  .map((parts) => parts.join(''));

const ordinaryPath = fc
  .tuple(
    fc.constantFrom('', '', '/', '//', './', '../', '/../', 'C:\\', '\\\\', '%2f'),
    fc.constantFrom('', '', '', 'out/', 'd/up/', 'in/', 'd/', '../d/'),
    fc.array(segment, { minLength: 1, maxLength: 6 }),
    fc.constantFrom('/', '/', '//', '/./', '/../'),
    fc.constantFrom('', '', '/', '/.', '/..'),
  )
  .map(([lead, link, segments, sep, tail]) => lead + link + segments.join(sep) + tail);

/** Paths around the 1024-byte limit, in 1- to 4-byte characters. */
const longPath = fc
  .tuple(fc.integer({ min: 1000, max: 1050 }), fc.constantFrom('a', 'é', '中', '😀'))
  .map(([bytes, ch]) => {
    let out = '';
    while (Buffer.byteLength(out) + Buffer.byteLength(ch) <= bytes) {
      out += Buffer.byteLength(out.split('/').at(-1)!) >= 200 ? '/' : ch;
    }
    return out;
  });

const hostilePath = fc.oneof(
  { weight: 9, arbitrary: ordinaryPath },
  { weight: 1, arbitrary: longPath },
);

/** Files the pattern check lists, valid on every backend; names full of glob specials. */
const CORPUS = (() => {
  const names = [
    'a',
    'b',
    'ab',
    'a.b',
    '[a]',
    'a]',
    '^a',
    '%a',
    'a%2f',
    'é',
    '中文',
    'a b',
    '-',
    '!a',
  ];
  const dirs = ['', 'x/', 'x/y/', '[x]/', '中/', 'x^/']; // no name is also a folder
  return dirs.flatMap((d) => names.map((n) => d + n));
})();

const PATTERN_PIECES = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      'a',
      'b',
      '[',
      ']',
      '^',
      '%',
      '!',
      'é',
      '中',
      '文',
      '.',
      ' ',
      '-',
      'x',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom('/', '/') },
  { weight: 3, arbitrary: fc.constantFrom('*', '?', '**') },
  { weight: 1, arbitrary: fc.constantFrom('\\*', '\\?', '\\[', '\\a', '\\%', '\\]', '\\^') },
);
const hostilePattern = fc
  .array(PATTERN_PIECES, { minLength: 1, maxLength: 10 })
  .map((parts) => parts.join(''));

type PToken = { star: true } | { any: true } | { ch: string };

/** DESIGN §3's patterns, independently: the selected corpus, or 'invalid'. */
function selectByPattern(pattern: string, corpus: string[]): string[] | 'invalid' {
  const chars = Array.from(pattern);
  const tokens: PToken[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '\\') {
      if (i + 1 === chars.length) return 'invalid';
      tokens.push({ ch: chars[++i] });
    } else if (chars[i] === '*') tokens.push({ star: true });
    else if (chars[i] === '?') tokens.push({ any: true });
    else tokens.push({ ch: chars[i] });
  }
  const segments: PToken[][] = [[]];
  for (const t of tokens) {
    if ('ch' in t && t.ch === '/') segments.push([]);
    else segments.at(-1)!.push(t);
  }
  const kept = segments.filter(
    (s) => s.length > 0 && !(s.length === 1 && 'ch' in s[0] && s[0].ch === '.'),
  );
  if (kept.length === 0) return 'invalid';
  for (const s of kept) {
    const literal = s.map((t) => ('ch' in t ? t.ch : '')).join('');
    if (s.every((t) => 'ch' in t) && literal === '..') return 'invalid';
    if (literal.includes('\\')) return 'invalid';
  }
  const source = kept
    .map((s) =>
      s
        .map((t) =>
          'star' in t ? '.*' : 'any' in t ? '.' : t.ch.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'),
        )
        .join(''),
    )
    .join('\\/');
  const re = new RegExp(`^${source}$`, 'su');
  return corpus.filter((p) => re.test(p));
}

/** A pattern that names exactly `path` (wildcards and backslashes escaped). */
function literalPattern(path: string): string {
  return path.replace(/[*?\\]/g, '\\$&');
}

async function rejects(what: () => Promise<unknown>): Promise<unknown> {
  try {
    await what();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The local store's symlinks, made again (a call on a link's own path may have replaced it). */
function relink(options: FileSystemOptions): void {
  if (options.backend !== 'local') return;
  const root = options.root;
  const outsideDir = nodePath.join(nodePath.dirname(root), 'outside');
  mkdirSync(nodePath.join(root, 'd'), { recursive: true });
  for (const [target, link] of [
    [outsideDir, 'out'],
    ['../..', 'd/up'],
    ['d', 'in'],
  ]) {
    rmSync(nodePath.join(root, link), { recursive: false, force: true });
    symlinkSync(target, nodePath.join(root, link));
  }
}

/** A client of the store's server(s), connected (a Cluster knows its masters once ready). */
async function redisClient(
  options: FileSystemOptions & { backend: 'redis' },
): Promise<Redis | Cluster> {
  const client = options.cluster
    ? new Cluster(options.cluster.nodes as string[])
    : new Redis(options.url!);
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  if (client instanceof Cluster && client.nodes('master').length < 3)
    throw new Error('the test cluster client does not know its 3 masters');
  return client;
}

interface Outside {
  /** Everything that exists outside the store now, for a before/after comparison. */
  snapshot(): Promise<string[]>;
  close(): Promise<void>;
}

/** What the server (or the disk around the root) holds beyond this store. */
async function outsideOf(target: ReliabilityTarget, options: FileSystemOptions): Promise<Outside> {
  if (options.backend === 'local') {
    const base = nodePath.dirname(options.root);
    return {
      snapshot: async () => {
        const out: string[] = [];
        const walk = (dir: string, rel: string) => {
          for (const e of readdirSync(dir, { withFileTypes: true })) {
            const r = `${rel}${e.name}`;
            if (nodePath.join(dir, e.name) === options.root) continue;
            out.push(r);
            if (e.isDirectory()) walk(nodePath.join(dir, e.name), `${r}/`);
          }
        };
        walk(base, '');
        return out.sort();
      },
      close: async () => undefined,
    };
  }
  if (options.backend === 'redis') {
    const prefix = options.keyPrefix!;
    const client = await redisClient(options);
    const nodes = () => (client instanceof Cluster ? client.nodes('master') : [client]);
    return {
      snapshot: async () => {
        const keys: string[] = [];
        for (const node of nodes()) keys.push(...(await node.keys('*')));
        return keys.filter((k) => !k.startsWith(prefix)).sort();
      },
      close: async () => void client.disconnect(),
    };
  }
  if (options.backend === 'azure') {
    const service = BlobServiceClient.fromConnectionString(options.connectionString!);
    return {
      snapshot: async () => {
        const names: string[] = [];
        for await (const c of service.listContainers()) {
          if (c.name === options.container) continue;
          names.push(c.name);
        }
        return names.sort();
      },
      close: async () => undefined,
    };
  }
  if (options.backend === 's3') {
    const { rawClient } = await import('../../backends/s3/s3-env');
    const { ListBucketsCommand } = await import('@aws-sdk/client-s3');
    const raw = rawClient(options.endpoint);
    return {
      snapshot: async () => {
        const out = await raw.send(new ListBucketsCommand({}));
        return (out.Buckets ?? [])
          .map((b) => b.Name!)
          .filter((name) => name !== options.bucket)
          .sort();
      },
      close: async () => raw.destroy(),
    };
  }
  throw new Error(`no outside check for ${target.name}`);
}

/** Everything inside the store that is not a file it lists (left bookkeeping is not an escape). */
async function insideNames(options: FileSystemOptions): Promise<string[]> {
  if (options.backend === 'redis') {
    const prefix = options.keyPrefix!;
    const client = await redisClient(options);
    try {
      const nodes = client instanceof Cluster ? client.nodes('master') : [client];
      const keys: string[] = [];
      for (const node of nodes) keys.push(...(await node.keys(`${prefix}*`)));
      return keys.map((k) => k.slice(prefix.length)).sort();
    } finally {
      client.disconnect();
    }
  }
  if (options.backend === 'azure') {
    const names: string[] = [];
    const container = BlobServiceClient.fromConnectionString(
      options.connectionString!,
    ).getContainerClient(options.container!);
    for await (const b of container.listBlobsFlat()) names.push(b.name);
    return names.sort();
  }
  if (options.backend === 's3') {
    const { rawClient } = await import('../../backends/s3/s3-env');
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const raw = rawClient(options.endpoint);
    try {
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await raw.send(
          new ListObjectsV2Command({ Bucket: options.bucket, ContinuationToken: token }),
        );
        for (const c of page.Contents ?? []) names.push(c.Key!);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return names.sort();
    } finally {
      raw.destroy();
    }
  }
  return [];
}

/**
 * Scenario 6: thousands of generated hostile paths, each given to every call that takes a path;
 * an invalid one (by the oracle) must be InvalidPathError from each and create nothing; a valid
 * one must round-trip under its normal form. Then generated patterns: `ls` and `scan` must return
 * exactly what the independent matcher selects from a corpus of files full of glob specials.
 */
export function hostileScenario(target: ReliabilityTarget): void {
  const { hostilePaths, hostilePatterns } = COUNTS_NOW;
  scenarioTest(
    'hostile',
    target.name,
    `${hostilePaths} generated hostile paths and ${hostilePatterns} patterns: InvalidPathError, no escape, exact ls`,
    async () => {
      let options = target.newStore();
      let outsideDir: string | undefined;
      if (options.backend === 'local') {
        // The root sits alone in a folder of its own, beside a folder the symlinks lead to.
        const base = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-hostile-'));
        outsideDir = nodePath.join(base, 'outside');
        mkdirSync(outsideDir);
        const root = nodePath.join(base, 'root');
        options = { ...options, root };
        relink(options);
      }
      const fs: FileLikeSystem = await createFileSystem(options);
      const outside = await outsideOf(target, options);
      const seed = Date.now() % 2 ** 31;
      const tally = {
        paths: 0,
        invalid: 0,
        valid: 0,
        folders: 0,
        links: 0,
        calls: 0,
        escapes: 0,
        patterns: 0,
        invalidPatterns: 0,
        matched: 0,
      };
      const why = new Map<string, number>();
      try {
        await fs.writeFile('anchor.txt', 'anchor');
        const before = await outside.snapshot();
        await fc.assert(
          fc.asyncProperty(hostilePath, async (input) => {
            tally.paths++;
            const verdict = oracle(input, target.name);
            const real = verdict.valid && target.name === 'local' ? resolveLocal(verdict.path) : '';
            if (
              verdict.valid &&
              target.name === 'local' &&
              (LINKS_OUT.includes(real) || verdict.path === LINK_IN.from)
            ) {
              // The link itself (not through it): DESIGN §3 does not say; whatever the calls do,
              // the final check proves nothing lands outside. Its link is put back after.
              tally.links++;
              await rejects(() => fs.writeFile(input, 'x'));
              await rejects(() => fs.readFile(input));
              expect(readdirSync(outsideDir!)).toEqual([]);
              relink(options);
              return;
            }
            if (verdict.valid && real === LINK_IN.to) {
              // A folder of the setup: not a file; any typed refusal will do.
              tally.folders++;
              const error = await rejects(() => fs.writeFile(input, 'x'));
              expect(error).toBeInstanceOf(FileSystemError);
              return;
            }
            if (!verdict.valid) {
              tally.invalid++;
              why.set(verdict.why, (why.get(verdict.why) ?? 0) + 1);
              const calls: Array<[string, () => Promise<unknown>]> = [
                ['writeFile', () => fs.writeFile(input, 'x')],
                ['readFile', () => fs.readFile(input)],
                ['open w', () => fs.open(input, 'w')],
                ['open r', () => fs.open(input, 'r')],
                ['open a', () => fs.open(input, 'a')],
                ['stat', () => fs.stat(input)],
                ['exists', () => fs.exists(input)],
                // rm takes patterns too: a plain path only when nothing in it is pattern syntax
                ...(/[*?\\]/.test(input)
                  ? []
                  : [['rm', () => fs.rm(input)] as [string, () => Promise<unknown>]]),
                ['mv to', () => fs.mv('anchor.txt', input)],
                ['cp to', () => fs.cp('anchor.txt', input)],
                ['cp from', () => fs.cp(input, 'copy.txt')],
                ['openWriteStream', () => fs.openWriteStream(input)],
                ['openReadStream', () => fs.openReadStream(input)],
              ];
              for (const [name, call] of calls) {
                tally.calls++;
                const error = await rejects(call);
                expect({
                  input,
                  verdict: verdict.why,
                  name,
                  error: (error as Error)?.name,
                }).toEqual({
                  input,
                  verdict: verdict.why,
                  name,
                  error: 'InvalidPathError',
                });
                expect(error).toBeInstanceOf(InvalidPathError);
              }
              return;
            }
            tally.valid++;
            const data = Buffer.from(`${tally.paths}:${verdict.path}`);
            tally.calls += 6;
            await fs.writeFile(input, data);
            expect({ input, read: (await fs.readFile(verdict.path)).toString() }).toEqual({
              input,
              read: data.toString(),
            });
            expect((await fs.readFile(input)).equals(data)).toBe(true);
            expect(await fs.exists(input)).toBe(true);
            const listedAs = target.name === 'local' ? resolveLocal(verdict.path) : verdict.path;
            expect({ input, ls: await fs.ls(literalPattern(listedAs)) }).toEqual({
              input,
              ls: [listedAs],
            });
            expect(await fs.rm(literalPattern(verdict.path))).toBe(1);
            expect(await fs.exists(verdict.path)).toBe(false);
          }),
          { numRuns: hostilePaths, seed, endOnFailure: true },
        );
        // Nothing outside the store changed; inside, only the anchor (and bookkeeping) is left.
        const after = await outside.snapshot();
        tally.escapes = after.filter((n) => !before.includes(n)).length;
        expect(after).toEqual(before);
        if (outsideDir) expect(readdirSync(outsideDir)).toEqual([]);
        expect(await fs.ls()).toEqual(['anchor.txt']);
        expect((await insideNames(options)).filter((n) => !n.includes('.aiofs'))).toEqual(
          target.name === 'local' ? [] : ['anchor.txt'],
        );

        // Patterns against a corpus of files full of glob specials.
        await fs.rm('anchor.txt');
        for (const f of CORPUS) await fs.writeFile(f, f);
        const listed = await fs.ls();
        expect([...listed].sort()).toEqual([...CORPUS].sort());
        await fc.assert(
          fc.asyncProperty(hostilePattern, async (pattern) => {
            tally.patterns++;
            const expected = selectByPattern(pattern, CORPUS);
            if (expected === 'invalid') {
              tally.invalidPatterns++;
              expect(await rejects(() => fs.ls(pattern))).toBeInstanceOf(InvalidPathError);
              return;
            }
            tally.matched += expected.length;
            const got = await fs.ls(pattern);
            expect({ pattern, ls: [...got].sort() }).toEqual({ pattern, ls: [...expected].sort() });
            const scanned: string[] = [];
            for await (const p of fs.scan(pattern)) scanned.push(p);
            expect({ pattern, scan: scanned.sort() }).toEqual({
              pattern,
              scan: [...expected].sort(),
            });
          }),
          { numRuns: hostilePatterns, seed, endOnFailure: true },
        );
        const reasons = [...why.entries()].map(([k, v]) => `${k} ${v}`).join(', ');
        return {
          load: `${num(tally.paths)} generated paths (${num(tally.invalid)} invalid: ${reasons}; ${num(tally.valid)} valid) × every path-taking call = ${num(tally.calls)} calls; ${num(tally.patterns)} generated patterns over ${CORPUS.length} files${target.name === 'local' ? '; symlinks out of the root and one inside' : ''}; seed ${seed}`,
          result: `invalid paths refused with InvalidPathError ${num(tally.invalid)}/${num(tally.invalid)}; valid ones round-tripped ${num(tally.valid)}/${num(tally.valid)}; escapes ${tally.escapes}; ls/scan = independent matcher for ${num(tally.patterns)}/${num(tally.patterns)} patterns (${num(tally.invalidPatterns)} invalid, ${num(tally.matched)} matches)`,
          numbers: { ...tally, seed },
        };
      } finally {
        await fs.close();
        await outside.close();
        if (outsideDir) rmSync(nodePath.dirname(outsideDir), { recursive: true, force: true });
        else await dropStore(options);
      }
    },
    1_800_000,
  );
}

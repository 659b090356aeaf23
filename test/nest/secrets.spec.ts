import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import type { LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import Redis from 'ioredis';
import {
  AiofsModule,
  aiofsOptionsFromEnv,
  createFileSystem,
  type FileLikeSystem,
  type FileSystemOptions,
} from '../../lib';
import { AZURITE_ACCOUNT, AZURITE_KEY } from '../servers/azurite-server';
import { SampleProcess } from '../e2e/sample-process';
import { findRedisBinaries, RedisServer } from '../servers/redis-servers';
import { recordFigure } from '../support/figures';

const requireAll = process.env.AIOFS_TEST_REQUIRE_ALL === '1';
const redisReady = typeof findRedisBinaries() !== 'string';
const azureConnectionString = process.env.AIOFS_TEST_AZURE_CONNECTION_STRING ?? '';
const maybe = (ready: boolean) => (ready || requireAll ? describe : describe.skip);

/** What a secret is made of: random words (each must never show) between hostile characters. */
const HOSTILE = [
  '/',
  '@',
  ':',
  '%',
  '#',
  '?',
  ' ',
  '&',
  '=',
  '+',
  ';',
  'é',
  '密',
  '🔑',
  '%2F',
  '@@',
];
const word = fc
  .string({ unit: fc.constantFrom(...'ghjkmnpqrstvwxyzGHJKMNPQRSTVWXYZ'), minLength: 10 })
  .map((w) => w.slice(0, 14));
const secretArbitrary = fc
  .array(fc.oneof(word, fc.constantFrom(...HOSTILE)), { minLength: 3, maxLength: 8 })
  .filter((parts) => parts.some((p) => p.length >= 10) && parts.some((p) => HOSTILE.includes(p)))
  .map((parts) => ({ secret: parts.join(''), words: parts.filter((p) => p.length >= 10) }));

/** Every error seen, with how many (error, secret) checks were made: the "secrets scanned" figure. */
const tally = { errors: 0, secrets: 0, scans: 0 };

/** Fails when any form of the secret, or any of its words, shows in what an error prints. */
function expectClean(error: unknown, secret: { secret: string; words: string[] }, where: string) {
  expect(error).toBeInstanceOf(Error);
  const e = error as Error;
  const printed = [e.message, String(e.stack), inspect(e, { depth: Infinity }), String(e)];
  const forms = [
    secret.secret,
    encodeURIComponent(secret.secret),
    encodeURI(secret.secret),
    ...secret.words,
  ];
  tally.errors++;
  for (const text of printed) {
    for (const form of forms) {
      tally.scans++;
      if (text.includes(form)) {
        throw new Error(
          `${where}: the secret (or its part ${JSON.stringify(form)}) shows in:\n${text}`,
        );
      }
    }
  }
}

/** What `action` throws (undefined when it does not). */
async function thrown(action: () => Promise<unknown>): Promise<unknown> {
  try {
    const result = await action();
    if (result && typeof (result as FileLikeSystem).close === 'function')
      await (result as FileLikeSystem).close();
    return undefined;
  } catch (error) {
    return error;
  }
}

maybe(redisReady)('secrets never show in an error: Redis password', () => {
  let server: RedisServer;
  let admin: Redis;
  beforeAll(async () => {
    server = await RedisServer.start({ password: 'initial-password' });
    admin = new Redis({ host: '127.0.0.1', port: server.port, password: 'initial-password' });
  });
  afterAll(async () => {
    admin.disconnect();
    await server.stop();
  });

  const host = () => `127.0.0.1:${server.port}`;

  /** Every way the URL, the options and the env can carry `password`, right or wrong. */
  function attempts(password: string): Array<[string, () => Promise<unknown>]> {
    const raw = `redis://:${password}@${host()}`;
    const encoded = `redis://:${encodeURIComponent(password)}@${host()}`;
    const withUser = `redis://default:${encodeURIComponent(password)}@${host()}/0`;
    const plain = `redis://${host()}`;
    const create = (options: FileSystemOptions | string) => () => createFileSystem(options);
    const fromEnv = (env: Record<string, string>) => () =>
      createFileSystem(aiofsOptionsFromEnv(env));
    return [
      ['url, raw', create(raw)],
      ['url, encoded', create(encoded)],
      ['url with a user', create(withUser)],
      ['url, raw, unknown option', create(`${raw}?bogus=1`)],
      ['url, encoded, unknown option', create(`${encoded}/0?bogus=1`)],
      ['url, encoded, bad ttlSeconds', create(`${encoded}?ttlSeconds=soon`)],
      ['url, encoded, bad keyPrefix', create(`${encoded}?keyPrefix={x}`)],
      ['url, raw, with a db', create(`${raw}/0`)],
      ['url, raw, no host', create(`redis://:${password}@`)],
      ['options.url, raw', create({ backend: 'redis', url: raw })],
      ['options.url, encoded', create({ backend: 'redis', url: encoded })],
      ['options.url, raw, keyPrefix', create({ backend: 'redis', url: `${raw}/1` })],
      [
        'redisOptions.password',
        create({ backend: 'redis', url: plain, redisOptions: { password } }),
      ],
      [
        'redisOptions user and password',
        create({ backend: 'redis', url: plain, redisOptions: { username: 'default', password } }),
      ],
      [
        'redisOptions.password, bad option beside it',
        create({
          backend: 'redis',
          url: plain,
          redisOptions: { password, keyPrefix: 'x' },
        } as FileSystemOptions),
      ],
      [
        'cluster with a password, on a server that is no cluster',
        create({ backend: 'redis', cluster: { nodes: [host()] }, redisOptions: { password } }),
      ],
      [
        'cluster node holding the password',
        create({ backend: 'redis', cluster: { nodes: [raw] } }),
      ],
      [
        'cluster node object holding the password',
        create({
          backend: 'redis',
          cluster: { nodes: [{ host: '127.0.0.1', port: 'x', password } as never] },
        }),
      ],
      ['env: AIOFS_URL, raw', fromEnv({ AIOFS_URL: raw })],
      ['env: AIOFS_URL, encoded', fromEnv({ AIOFS_URL: encoded })],
      ['env: AIOFS_URL, raw, bad option', fromEnv({ AIOFS_URL: `${raw}?nope=1` })],
      ['env: AIOFS_URL, bad scheme', fromEnv({ AIOFS_URL: `redis:/:${password}@${host()}` })],
      ['env: AIOFS_REDIS_PASSWORD', fromEnv({ AIOFS_URL: plain, AIOFS_REDIS_PASSWORD: password })],
      [
        'env: named file system',
        fromEnv({ AIOFS_FILES_URL: plain, AIOFS_FILES_REDIS_PASSWORD: password }),
      ],
      [
        'env: cluster nodes holding the password',
        fromEnv({ AIOFS_URL: plain, AIOFS_REDIS_CLUSTER_NODES: `:${password}@${host()}` }),
      ],
      [
        'env: cluster with a password',
        fromEnv({
          AIOFS_URL: plain,
          AIOFS_REDIS_CLUSTER_NODES: host(),
          AIOFS_REDIS_PASSWORD: password,
        }),
      ],
    ];
  }

  /** Errors a connected file system raises: a missing file, a lock, a key of another type, a lost password. */
  async function afterConnecting(fs: FileLikeSystem, password: string): Promise<unknown[]> {
    const errors: unknown[] = [];
    const tag = randomBytes(4).toString('hex');
    errors.push(await thrown(() => fs.readFile(`missing-${tag}`)));
    const w = await fs.open(`locked-${tag}`, 'w');
    errors.push(await thrown(() => fs.writeFile(`locked-${tag}`, 'x')));
    await w.abort();
    await admin.hset(`hash-${tag}`, 'f', 'v');
    errors.push(await thrown(() => fs.writeFile(`hash-${tag}`, 'x')));
    // The server's password changes and the connection drops: every reconnection is refused.
    await admin.config('SET', 'requirepass', `${password}-rotated`);
    await admin.client('KILL', 'SKIPME', 'yes', 'TYPE', 'normal');
    for (let i = 0; i < 3; i++) {
      errors.push(await thrown(() => fs.readFile(`missing-${tag}`)));
      errors.push(await thrown(() => fs.ping()));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return errors;
  }

  test('through the URL, the options and the env, wrong and right, with a connected client too', async () => {
    await fc.assert(
      fc.asyncProperty(secretArbitrary, async (secret) => {
        const password = secret.secret;
        // Wrong: the server wants another password, which holds the secret too.
        await admin.config('SET', 'requirepass', `other-${password}`);
        for (const [name, attempt] of attempts(password)) {
          const error = await thrown(attempt);
          expect([name, error]).toEqual([name, expect.any(Error)]);
          expectClean(error, secret, `wrong password, ${name}`);
        }
        // Right: whatever connects must fail later without the secret either.
        await admin.config('SET', 'requirepass', password);
        const connected = await createFileSystem({
          backend: 'redis',
          url: `redis://:${encodeURIComponent(password)}@${host()}`,
        });
        try {
          for (const error of await afterConnecting(connected, password)) {
            expect(error).toBeInstanceOf(Error);
            expectClean(error, secret, 'right password, then rotated');
          }
        } finally {
          await connected.close();
        }
        await admin.config('SET', 'requirepass', password);
        for (const [name, attempt] of attempts(password)) {
          const error = await thrown(attempt);
          if (error !== undefined) expectClean(error, secret, `right password, ${name}`);
        }
      }),
      { numRuns: 25 },
    );
  }, 300_000);

  test("Nest's logger, during forRoot's retries and at the last failure, never prints it", async () => {
    await fc.assert(
      fc.asyncProperty(secretArbitrary, async (secret) => {
        await admin.config('SET', 'requirepass', `other-${secret.secret}`);
        const logged: string[] = [];
        const capture =
          (level: string) =>
          (message: unknown, ...rest: unknown[]) =>
            logged.push(
              `${level} ${inspect(message, { depth: Infinity })} ${inspect(rest, { depth: Infinity })}`,
            );
        const logger: LoggerService = {
          log: capture('log'),
          error: capture('error'),
          warn: capture('warn'),
          debug: capture('debug'),
          verbose: capture('verbose'),
          fatal: capture('fatal'),
        };
        for (const env of [
          { AIOFS_URL: `redis://:${secret.secret}@${host()}` },
          { AIOFS_URL: `redis://${host()}`, AIOFS_REDIS_PASSWORD: secret.secret },
        ]) {
          const builder = Test.createTestingModule({
            imports: [
              AiofsModule.forRootAsync({
                useFactory: () => ({
                  ...aiofsOptionsFromEnv(env),
                  retryAttempts: 3,
                  retryDelay: 10,
                }),
              }),
            ],
          });
          builder.setLogger(logger);
          const error = await thrown(() => builder.compile());
          expectClean(error, secret, 'Nest forRoot');
        }
        // Three attempts with AIOFS_REDIS_PASSWORD; three with the URL too, unless a raw
        // password makes it invalid (then aiofsOptionsFromEnv throws before any attempt).
        expect(logged.filter((line) => line.startsWith('error')).length).toBeGreaterThanOrEqual(3);
        const all = logged.join('\n');
        for (const form of [secret.secret, encodeURIComponent(secret.secret), ...secret.words]) {
          tally.scans++;
          expect(all).not.toContain(form);
        }
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});

maybe(redisReady)('the sample app never prints the password', () => {
  const password = `pa/ss@w:rd%#? ${randomBytes(6).toString('hex')} é🔑`;
  let server: RedisServer;
  let admin: Redis;
  beforeAll(async () => {
    server = await RedisServer.start({ password: 'initial-password' });
    admin = new Redis({ host: '127.0.0.1', port: server.port, password: 'initial-password' });
    await admin.config('SET', 'requirepass', password);
  });
  afterAll(async () => {
    admin.disconnect();
    await server.stop();
  });

  const secret = () => ({ secret: password, words: [password.slice(-20)] });

  test('AIOFS_URL with the password is logged redacted at startup', async () => {
    const url = `redis://:${encodeURIComponent(password)}@127.0.0.1:${server.port}/0`;
    const sample = await SampleProcess.start({ AIOFS_URL: url });
    try {
      const output = sample.output.join('');
      expect(output).toContain(`(files: redis://:***@127.0.0.1:${server.port}/0)`);
      expectClean(new Error(output), secret(), 'the sample, started');
    } finally {
      await sample.stop();
    }
  }, 60_000);

  test.each([
    ['a wrong AIOFS_REDIS_PASSWORD', () => ({ AIOFS_REDIS_PASSWORD: `${password}-wrong` })],
    [
      'a wrong password in AIOFS_URL',
      () => ({ AIOFS_URL: `redis://:${password}x@127.0.0.1:${server.port}` }),
    ],
  ])(
    '%s fails the start without printing it',
    async (_, env) => {
      const error = await thrown(() =>
        SampleProcess.start({ AIOFS_URL: `redis://127.0.0.1:${server.port}`, ...env() }),
      );
      expect(String(error)).toMatch(/the sample exited/);
      expectClean(error, secret(), 'the sample, refused');
      expectClean(error, { secret: `${password}-wrong`, words: [] }, 'the sample, refused');
    },
    60_000,
  );
});

maybe(azureConnectionString !== '')('secrets never show in an error: Azure key and SAS', () => {
  const endpoint = () => /BlobEndpoint=([^;]+)/.exec(azureConnectionString)![1].replace(/\/$/, '');

  test('a wrong account key, a SAS signature and a malformed connection string, through the env', async () => {
    await fc.assert(
      fc.asyncProperty(secretArbitrary, async (secret) => {
        const key = Buffer.from(secret.secret).toString('base64');
        const secrets = [secret, { secret: key, words: [] }, { secret: AZURITE_KEY, words: [] }];
        const connection = (accountKey: string) =>
          `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${accountKey};BlobEndpoint=${endpoint()};`;
        const envs: Array<[string, Record<string, string>]> = [
          [
            'a wrong key',
            { AIOFS_URL: 'azure://box', AIOFS_AZURE_CONNECTION_STRING: connection(key) },
          ],
          [
            'a key that is no base64',
            { AIOFS_URL: 'azure://box', AIOFS_AZURE_CONNECTION_STRING: connection(secret.secret) },
          ],
          [
            'a malformed connection string',
            {
              AIOFS_URL: 'azure://box',
              AIOFS_AZURE_CONNECTION_STRING: `AccountKey=${secret.secret}`,
            },
          ],
          [
            'a SAS with a wrong signature',
            {
              AIOFS_URL: 'azure://box',
              AIOFS_AZURE_ACCOUNT_URL: `${endpoint()}?sv=2021-08-06&ss=b&srt=sco&sp=rwdlac&se=2099-01-01T00:00:00Z&sig=${encodeURIComponent(secret.secret)}`,
            },
          ],
          [
            'a SAS with the key in the URL',
            {
              AIOFS_URL: `azure://box?sig=${encodeURIComponent(secret.secret)}`,
              AIOFS_AZURE_CONNECTION_STRING: connection(key),
            },
          ],
        ];
        for (const [name, env] of envs) {
          const error = await thrown(() => createFileSystem(aiofsOptionsFromEnv(env)));
          expect([name, error]).toEqual([name, expect.any(Error)]);
          for (const s of secrets) expectClean(error, s, `azure, ${name}`);
        }
        // The right key: a connected file system's errors hold no key either.
        const fs = await createFileSystem(
          aiofsOptionsFromEnv({
            AIOFS_URL: 'azure://secrets-box',
            AIOFS_AZURE_CONNECTION_STRING: azureConnectionString,
          }),
        );
        try {
          for (const error of [
            await thrown(() => fs.readFile('missing')),
            await thrown(() => fs.stat('missing')),
          ]) {
            for (const s of secrets) expectClean(error, s, 'azure, right key');
          }
        } finally {
          await fs.close();
        }
      }),
      { numRuns: 10 },
    );
  }, 300_000);
});

afterAll(() => {
  // The figure docs/reliability.md reports.
  recordFigure(
    `secrets scanned: ${tally.scans} checks over ${tally.errors} errors (message, stack, inspect, String)`,
  );
});

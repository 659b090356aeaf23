import * as nodePath from 'node:path';
import { aiofsOptionsFromConfig, aiofsOptionsFromEnv, InvalidArgumentError } from '../../lib';

describe('aiofsOptionsFromEnv', () => {
  test.each<[Record<string, string>, string | undefined, object]>([
    [{ AIOFS_URL: 'memory://' }, undefined, { backend: 'memory' }],
    [{ AIOFS_URL: 'file:./data' }, undefined, { backend: 'local', root: nodePath.resolve('data') }],
    [
      { AIOFS_URL: 'file:///srv/files?durable=false' },
      undefined,
      { backend: 'local', root: '/srv/files', durable: false },
    ],
    [{ AIOFS_CACHE_URL: 'memory://' }, 'cache', { backend: 'memory' }],
    [{ AIOFS_MY_CACHE_URL: 'memory://' }, 'my-cache', { backend: 'memory' }],
    [
      { AIOFS_URL: 'redis://cache:6379/1?keyPrefix=app:' },
      undefined,
      { backend: 'redis', url: 'redis://cache:6379/1', keyPrefix: 'app:' },
    ],
    [
      { AIOFS_URL: 'redis://cache:6379', AIOFS_REDIS_PASSWORD: 's3cret' },
      undefined,
      { backend: 'redis', url: 'redis://cache:6379', redisOptions: { password: 's3cret' } },
    ],
    [
      { AIOFS_URL: 'redis://seed:7000', AIOFS_REDIS_CLUSTER_NODES: 'a:7000, b:7001' },
      undefined,
      {
        backend: 'redis',
        cluster: {
          nodes: [
            { host: 'a', port: 7000 },
            { host: 'b', port: 7001 },
          ],
        },
      },
    ],
    [
      { AIOFS_URL: 'azure://box', AIOFS_AZURE_CONNECTION_STRING: 'UseDevelopmentStorage=true' },
      undefined,
      { backend: 'azure', container: 'box', connectionString: 'UseDevelopmentStorage=true' },
    ],
    [
      {
        AIOFS_URL: 'azure://box',
        AIOFS_AZURE_ACCOUNT_URL: 'https://acct.blob.core.windows.net?sv=1&sig=x',
      },
      undefined,
      {
        backend: 'azure',
        container: 'box',
        accountUrl: 'https://acct.blob.core.windows.net?sv=1&sig=x',
      },
    ],
    [
      {
        AIOFS_FILES_URL: 'azure://box',
        AIOFS_FILES_AZURE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
        AIOFS_AZURE_CONNECTION_STRING: 'other',
      },
      'files',
      { backend: 'azure', container: 'box', connectionString: 'UseDevelopmentStorage=true' },
    ],
  ])('%p (name %p)', (env, name, expected) => {
    expect(aiofsOptionsFromEnv(env, name)).toEqual(expected);
  });

  test('an account URL without a SAS signs in with DefaultAzureCredential', () => {
    const options = aiofsOptionsFromEnv({
      AIOFS_URL: 'azure://box',
      AIOFS_AZURE_ACCOUNT_URL: 'https://acct.blob.core.windows.net',
    }) as { credential?: object };
    expect(options.credential?.constructor.name).toBe('DefaultAzureCredential');
  });

  test.each<[Record<string, string>, string | undefined, RegExp]>([
    [
      {},
      undefined,
      /Set AIOFS_URL to the URL of the 'default' file system, e\.g\. AIOFS_URL=file:\.\/data/,
    ],
    [{ AIOFS_URL: '' }, undefined, /Set AIOFS_URL/],
    [{ AIOFS_URL: 'memory://' }, 'cache', /Set AIOFS_CACHE_URL/],
    [
      { AIOFS_URL: 'ftp://x' },
      undefined,
      /AIOFS_URL is not a valid file system URL: .*examples: memory:\/\/, .*file:\.\/data/,
    ],
    [
      { AIOFS_URL: 'redis://' },
      undefined,
      /AIOFS_URL is not a valid file system URL: .*redis:\/\/localhost:6379/,
    ],
    [{ AIOFS_URL: './data' }, undefined, /AIOFS_URL is not a valid/],
    [
      { AIOFS_URL: 'azure://box' },
      undefined,
      /set AIOFS_AZURE_CONNECTION_STRING .* or AIOFS_AZURE_ACCOUNT_URL/,
    ],
    [
      { AIOFS_URL: 'redis://h:1', AIOFS_REDIS_CLUSTER_NODES: 'nonsense' },
      undefined,
      /AIOFS_REDIS_CLUSTER_NODES is a comma-separated list of host:port/,
    ],
  ])('%p fails with the variable name and an example', (env, name, message) => {
    expect(() => aiofsOptionsFromEnv(env, name)).toThrow(InvalidArgumentError);
    expect(() => aiofsOptionsFromEnv(env, name)).toThrow(message);
  });

  test.each<[Record<string, string>, string | undefined]>([
    [{}, undefined],
    [{ AIOFS_URL: 'memory://' }, 'cache'],
    [{ AIOFS_URL: 'bogus://x' }, undefined],
    [{ AIOFS_URL: 'not a url' }, undefined],
    [{ AIOFS_URL: 'redis://' }, undefined],
  ])('%p: the message lists its examples once, each example once', (env, name) => {
    let message = '';
    try {
      aiofsOptionsFromEnv(env, name);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toBe('');
    expect(message.match(/examples?:/gi)?.length ?? 0).toBeLessThanOrEqual(1);
    for (const example of [
      'file:./data',
      'memory://',
      'redis://localhost',
      'azure://my-container',
    ]) {
      expect(message.split(example).length - 1).toBeLessThanOrEqual(1);
    }
    if (env.AIOFS_URL && !/^(redis|memory|file|azure):/.test(env.AIOFS_URL)) {
      expect(message.split(env.AIOFS_URL).length - 1).toBe(1); // the bad URL, named once
    }
  });

  test('a secret never appears in a message', () => {
    const cases: Array<Record<string, string>> = [
      { AIOFS_URL: 'redis://:hunter2@h:1?oops=1' },
      { AIOFS_URL: 'redis://user:hunter2@h:1?ttlSeconds=soon' },
      { AIOFS_URL: 'azure://acct:hunter2@box' },
      { AIOFS_URL: 'memory://user:hunter2@x' },
      { AIOFS_URL: 'file://user:hunter2@host/data' },
      { AIOFS_URL: 'azure://', AIOFS_AZURE_CONNECTION_STRING: 'AccountKey=hunter2' },
      {
        AIOFS_URL: 'redis://h:1',
        AIOFS_REDIS_PASSWORD: 'hunter2',
        AIOFS_REDIS_CLUSTER_NODES: 'bad',
      },
    ];
    for (const env of cases) {
      let message = '';
      try {
        aiofsOptionsFromEnv(env);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('hunter2');
    }
  });

  test('the ConfigService twin reads through get()', () => {
    const values: Record<string, string> = { AIOFS_URL: 'memory://' };
    expect(aiofsOptionsFromConfig({ get: (key: string) => values[key] })).toEqual({
      backend: 'memory',
    });
    expect(() => aiofsOptionsFromConfig({ get: () => undefined })).toThrow(/Set AIOFS_URL/);
  });
});

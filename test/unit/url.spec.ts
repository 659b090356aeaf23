import * as nodePath from 'node:path';
import { InvalidArgumentError, parseFileSystemUrl } from '../../lib';
import fc from 'fast-check';
import { aiofsOptionsFromEnv } from '../../lib';
import { redactText, redactUrl } from '../../lib/backends';
import { checkRedisOptions } from '../../lib/backends/redis/check-options';

describe('parseFileSystemUrl', () => {
  test.each<[string, object]>([
    ['memory://', { backend: 'memory' }],
    ['memory:', { backend: 'memory' }],
    ['memory://?lockTtlMs=5000', { backend: 'memory', lockTtlMs: 5000 }],
    ['file:///var/data', { backend: 'local', root: '/var/data' }],
    ['file:///var/my%20data', { backend: 'local', root: '/var/my data' }],
    ['file:./data', { backend: 'local', root: nodePath.resolve('data') }],
    ['file:data/sub', { backend: 'local', root: nodePath.resolve('data/sub') }],
    ['file:/abs/x?durable=false', { backend: 'local', root: '/abs/x', durable: false }],
    ['redis://localhost:6379', { backend: 'redis', url: 'redis://localhost:6379' }],
    [
      'redis://:secret@h:1/2?keyPrefix=app:&ttlSeconds=60',
      { backend: 'redis', url: 'redis://:secret@h:1/2', keyPrefix: 'app:', ttlSeconds: 60 },
    ],
    ['rediss://h:6380', { backend: 'redis', url: 'rediss://h:6380' }],
    ['azure://my-container', { backend: 'azure', container: 'my-container' }],
    [
      'azure://c?createContainer=false&lockTtlMs=20000',
      { backend: 'azure', container: 'c', createContainer: false, lockTtlMs: 20000 },
    ],
  ])('%s', (url, expected) => {
    expect(parseFileSystemUrl(url)).toEqual(expected);
  });

  test.each<[string, RegExp]>([
    ['', /Not a file system URL/],
    ['./data', /Not a file system URL/],
    ['ftp://host', /Unknown file system URL scheme 'ftp:'/],
    ['memory://something', /just memory/],
    ['file:', /needs a folder/],
    ['file://host/x', /file:\/\/\/abs\/dir/],
    ['file:./d?durable=maybe', /durable/],
    ['redis://h:1?ttlSeconds=soon', /ttlSeconds/],
    ['redis://h:1?color=red', /Unknown option 'color'/],
    ['redis://:hunter2@h:1?color=red', /\*\*\*/],
    ['azure://', /names only the container/],
    ['azure://acct:key@container', /names only the container/],
    ['azure://c/sub', /names only the container/],
    ['memory://?lockTtlMs=-1', /lockTtlMs/],
    ['file:./%zz', /malformed %-escape/],
    ['redis://:pa/ss@h:1', /percent-encode/],
    ['redis://:pa?ss@h:1', /percent-encode/],
    ['redis://:pa#ss@h:1', /percent-encode/],
    ['redis://h:1?keyPrefix=a@b', /percent-encode/],
    ['redis://h:1/zero', /database number/],
  ])('%p is refused with %p', (url, message) => {
    expect(() => parseFileSystemUrl(url)).toThrow(InvalidArgumentError);
    expect(() => parseFileSystemUrl(url)).toThrow(message);
  });

  test('a password never appears in a message', () => {
    for (const url of [
      'redis://user:hunter2@h:1?bad=1',
      'redis://:hunter2@h:1?ttlSeconds=x',
      'rediss://:hunter2@[::1',
      'azure://x:hunter2@c',
      'redis://user:hun@ter2@h:1?bad=1',
      'redis://:hunter2@@h:1/0?color=red',
    ]) {
      try {
        parseFileSystemUrl(url);
        throw new Error('no error');
      } catch (error) {
        expect((error as Error).message).not.toContain('hunter2');
      }
    }
  });
});

describe('redactUrl', () => {
  test.each([
    ['redis://user:secret@h:6379/0', 'redis://user:***@h:6379/0'],
    ['redis://:se@cret@h:6379', 'redis://:***@h:6379'],
    // The host is what follows the last '@': a '@' after it redacts more, never less.
    ['rediss://u:p@h connect failed for a@b', 'rediss://u:***@b'],
    ['redis://:pa/ss@h:6379/0', 'redis://:***@h:6379/0'],
    ['redis://u:pa?x=1#y@h:6379', 'redis://u:***@h:6379'],
    ['redis://pa/ss@h:6379', 'redis://***@h:6379'],
    [':pw@h:7000', ':***@h:7000'],
    ['redis:/:pw@h', 'redis:/:***@h'],
    [
      'https://a.blob.core.windows.net/c?sv=1&sig=abc',
      'https://a.blob.core.windows.net/c?sv=1&sig=***',
    ],
    ['redis://h:6379', 'redis://h:6379'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

/** Passwords made of random words between the characters that break naive redaction. */
const HOSTILE = ['/', '@', ':', '%', '#', '?', ' ', '&', '=', '%2F', '@@', 'é', '密', '🔑'];
const password = fc
  .array(
    fc.oneof(
      fc.string({ unit: fc.constantFrom(...'ghjkmnpqrstvwxyz'), minLength: 8, maxLength: 12 }),
      fc.constantFrom(...HOSTILE),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => parts.join(''))
  .filter((pw) => /[g-z]{8}/.test(pw));

/** The words of a password that must never show (each 8+ letters long). */
const words = (pw: string) => pw.match(/[g-z]{8,}/g) ?? [];

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return `${(error as Error).message}\n${(error as Error).stack}`;
  }
  return '';
}

describe('a password whatever it holds', () => {
  test('redactUrl hides it, raw or encoded, and keeps user, host, port, db and query', () => {
    fc.assert(
      fc.property(password, fc.constantFrom('', 'user'), (pw, user) => {
        for (const form of [pw, encodeURIComponent(pw)]) {
          const url = `redis://${user}:${form}@cache.example:6380/2?keyPrefix=app:`;
          expect(redactUrl(url)).toBe(`redis://${user}:***@cache.example:6380/2?keyPrefix=app:`);
          expect(redactText(`failed: ${url}`)).toBe(
            `failed: redis://${user}:***@cache.example:6380/2?keyPrefix=app:`,
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  test('no message of the URL, the options or the env holds it or a part of it', () => {
    fc.assert(
      fc.property(password, (pw) => {
        const messages: string[] = [];
        for (const form of [pw, encodeURIComponent(pw)]) {
          for (const url of [
            `redis://:${form}@h:1?bogus=1`,
            `redis://:${form}@h:1/0?ttlSeconds=soon`,
            `redis://u:${form}@h:1/zero`,
            `redis://:${form}@`,
            `rediss://:${form}@[::1`,
            `memory://:${form}@x`,
            `file://:${form}@host/x`,
            `azure://:${form}@c`,
            `ftp://:${form}@h`,
          ]) {
            messages.push(messageOf(() => parseFileSystemUrl(url)));
            messages.push(messageOf(() => aiofsOptionsFromEnv({ AIOFS_URL: url })));
          }
          // The options' url takes ioredis's own query options: these are bad in other ways.
          for (const url of [
            `redis://u:${form}@h:1/zero`,
            `redis://:${form}@`,
            `rediss://:${form}@[::1`,
            `http://:${form}@h`,
          ]) {
            messages.push(messageOf(() => checkRedisOptions({ backend: 'redis', url })));
          }
          messages.push(
            messageOf(() =>
              aiofsOptionsFromEnv({
                AIOFS_URL: 'redis://h:1',
                AIOFS_REDIS_CLUSTER_NODES: `a:1,:${form}@b:2`,
              }),
            ),
            messageOf(() =>
              checkRedisOptions({ backend: 'redis', cluster: { nodes: [`:${form}@h:1`] } }),
            ),
            messageOf(() =>
              checkRedisOptions({
                backend: 'redis',
                cluster: { nodes: [{ host: 'h', port: 0, password: form } as never] },
              }),
            ),
            messageOf(() =>
              checkRedisOptions({
                backend: 'redis',
                redisOptions: { password: form, keyPrefix: 'x' },
              }),
            ),
          );
        }
        for (const message of messages) {
          expect(message).not.toBe('');
          for (const secret of [pw, encodeURIComponent(pw), ...words(pw)])
            expect(message).not.toContain(secret);
        }
      }),
      { numRuns: 300 },
    );
  });
});

import * as nodePath from 'node:path';
import { InvalidArgumentError, parseFileSystemUrl } from '../../lib';
import { redactUrl } from '../../lib/backends';

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
    ['rediss://u:p@h connect failed for a@b', 'rediss://u:***@h connect failed for a@b'],
    [
      'https://a.blob.core.windows.net/c?sv=1&sig=abc',
      'https://a.blob.core.windows.net/c?sv=1&sig=***',
    ],
    ['redis://h:6379', 'redis://h:6379'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

import {
  createFileSystem,
  DriverFileSystem,
  FileLikeSystem,
  FileSystemError,
  InvalidArgumentError,
  knownBackends,
  loadSdk,
  registerBackend,
} from '../../lib';

describe('createFileSystem', () => {
  test('from a URL and from options', async () => {
    const a = await createFileSystem('memory://');
    const b = await createFileSystem({ backend: 'memory', lockTtlMs: 1000 });
    expect(a).toBeInstanceOf(FileLikeSystem);
    expect(b.backend).toBe('memory');
    expect((b as DriverFileSystem).lockTtlMs).toBe(1000);
    await a.close();
    await b.close();
  });

  test.each<[unknown, RegExp]>([
    [undefined, /needs a URL or options/],
    [{}, /needs a URL or options/],
    [{ backend: 'ftp' }, /Unknown backend 'ftp'/],
    [{ backend: 'local' }, /needs a root folder/],
    [{ backend: 'local', root: '/tmp/x', durable: 'yes' }, /durable/],
    [{ backend: 'memory', lockTtlMs: 0 }, /lockTtlMs/],
    [{ backend: 'memory', lockTtlMs: '5s' }, /lockTtlMs/],
    ['nope', /Not a file system URL/],
  ])('%p is EINVAL', async (options, message) => {
    await expect(createFileSystem(options as never)).rejects.toThrow(InvalidArgumentError);
    await expect(createFileSystem(options as never)).rejects.toThrow(message);
  });

  test('a custom backend can be registered', async () => {
    registerBackend('custom-test', async () => createFileSystem('memory://'));
    expect(knownBackends()).toContain('custom-test');
    const fs = await createFileSystem({ backend: 'custom-test' });
    await fs.writeFile('a', 'b');
    expect(await fs.ls()).toEqual(['a']);
    await fs.close();
    expect(() => registerBackend('Bad Name', async () => fs)).toThrow(InvalidArgumentError);
  });

  test('a missing SDK names the package to install', () => {
    let error: unknown;
    try {
      loadSdk('aiofs-no-such-package', 'imaginary');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FileSystemError);
    expect((error as Error).message).toBe(
      "Backend 'imaginary' needs the package aiofs-no-such-package: npm install aiofs-no-such-package",
    );
  });

  test('loadSdk returns the module when it is there', () => {
    expect(loadSdk<typeof import('node:path')>('node:path', 'x').join('a', 'b')).toBe('a/b');
  });
});

import { createWithoutPackage } from '../without-package';

describe('redis without ioredis installed', () => {
  test('createFileSystem says which package to install, after checking the options', () => {
    const [fromOptions, fromUrl, badOptions] = createWithoutPackage('ioredis', [
      { backend: 'redis', url: 'redis://127.0.0.1:9' },
      'redis://127.0.0.1:9/0?keyPrefix=app:',
      { backend: 'redis', url: 'redis://127.0.0.1:9', keyPrefix: 'a{b}' },
    ]);
    const expected = {
      code: 'ENOPKG',
      message: "Backend 'redis' needs the package ioredis: npm install ioredis",
    };
    expect(fromOptions).toEqual(expected);
    expect(fromUrl).toEqual(expected);
    expect(badOptions.code).toBe('EINVAL');
  });
});

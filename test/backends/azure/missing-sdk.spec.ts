import { createWithoutPackage } from '../without-package';

describe('azure without @azure/storage-blob installed', () => {
  test('createFileSystem says which package to install, after checking the options', () => {
    const [missing, badOptions] = createWithoutPackage('@azure/storage-blob', [
      { backend: 'azure', connectionString: 'UseDevelopmentStorage=true', container: 'files' },
      { backend: 'azure', container: 'files' },
    ]);
    expect(missing).toEqual({
      code: 'ENOPKG',
      message:
        "Backend 'azure' needs the package @azure/storage-blob: npm install @azure/storage-blob",
    });
    expect(badOptions.code).toBe('EINVAL');
  });
});

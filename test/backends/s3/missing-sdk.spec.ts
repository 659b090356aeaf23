import { createWithoutPackage } from '../without-package';

describe('s3 without @aws-sdk/client-s3 installed', () => {
  test('createFileSystem says which package to install, after checking the options', () => {
    const [missing, badOptions] = createWithoutPackage('@aws-sdk/client-s3', [
      's3://my-bucket',
      { backend: 's3', bucket: 'Bad Bucket' },
    ]);
    expect(missing).toEqual({
      code: 'ENOPKG',
      message: "Backend 's3' needs the package @aws-sdk/client-s3: npm install @aws-sdk/client-s3",
    });
    expect(badOptions.code).toBe('EINVAL');
  });
});

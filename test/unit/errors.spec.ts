import {
  BackendUnavailableError,
  BlockingIOError,
  FileClosedError,
  FileExistsError,
  FileNotFoundError,
  FileSystemError,
  InvalidArgumentError,
  InvalidPathError,
  UnsupportedOperationError,
} from '../../lib';

describe('errors', () => {
  test.each<[FileSystemError, string, string]>([
    [new FileNotFoundError('a'), 'ENOENT', 'FileNotFoundError'],
    [new BlockingIOError('a'), 'EWOULDBLOCK', 'BlockingIOError'],
    [new FileExistsError('a'), 'EEXIST', 'FileExistsError'],
    [new InvalidArgumentError('bad'), 'EINVAL', 'InvalidArgumentError'],
    [new InvalidPathError('..', 'no'), 'EINVAL', 'InvalidPathError'],
    [new UnsupportedOperationError('no'), 'ENOTSUP', 'UnsupportedOperationError'],
    [new FileClosedError('handle'), 'EBADF', 'FileClosedError'],
    [new BackendUnavailableError('redis', 'h:1'), 'EUNAVAILABLE', 'BackendUnavailableError'],
  ])('%s has its code and name and extends FileSystemError', (error, code, name) => {
    expect(error).toBeInstanceOf(FileSystemError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
  });

  test('InvalidPathError is an InvalidArgumentError', () => {
    expect(new InvalidPathError('x', 'y')).toBeInstanceOf(InvalidArgumentError);
  });

  test('the cause is kept', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new BackendUnavailableError('redis', '10.0.0.1:6379', { cause });
    expect(error.cause).toBe(cause);
    expect(error.message).toBe("Backend 'redis' at 10.0.0.1:6379 is unavailable: ECONNREFUSED");
    expect(error.backend).toBe('redis');
  });

  test('BlockingIOError names every locked path', () => {
    const one = new BlockingIOError('a');
    expect(one.paths).toEqual(['a']);
    expect(one.path).toBe('a');
    const many = new BlockingIOError(['a', 'b']);
    expect(many.paths).toEqual(['a', 'b']);
    expect(many.message).toContain("'a', 'b'");
  });
});

describe('InvalidPathError messages', () => {
  test.each<[string, string]>([
    ['../etc/passwd', "Invalid path '../etc/passwd': r"],
    ['a\\b', "Invalid path 'a\\b': r"],
    ['a\u0000b\u001fc\u007f', "Invalid path 'a\\u0000b\\u001fc\\u007f': r"],
    ['公司/"x"', 'Invalid path \'公司/"x"\': r'],
  ])('%p is quoted once, like every other path in a message', (path, message) => {
    const error = new InvalidPathError(path, 'r');
    expect(error.message).toBe(message);
    expect(error.path).toBe(path);
    // one backslash in the path is one escaped backslash in JSON, never two
    expect(JSON.stringify(error.message).split('\\\\').length - 1).toBe(
      (path.match(/\\/g) ?? []).length + (message.match(/\\u/g) ?? []).length,
    );
  });
});

import { FileSystemError } from '../core';

/**
 * Loads a backend's SDK (an optional peer dependency) when a file system of that kind is
 * created, so that `import 'aiofs'` works without it.
 */
export function loadSdk<T>(packageName: string, backend: string): T {
  return loadPackage<T>(packageName, `Backend '${backend}'`);
}

/**
 * Loads an optional peer dependency; a missing one is an `ENOPKG` error that says what to
 * install: `<neededBy> needs the package <name>: npm install <name>`.
 */
export function loadPackage<T>(packageName: string, neededBy: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(packageName) as T;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (
      code === 'MODULE_NOT_FOUND' &&
      String((error as Error).message).includes(`'${packageName}'`)
    ) {
      throw new FileSystemError(
        'ENOPKG',
        `${neededBy} needs the package ${packageName}: npm install ${packageName}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

import { InvalidPathError } from '../core';

/**
 * The file path a request names after `mount` (e.g. `/files/`): the rest of the URL's path,
 * percent-decoded once, without the query. A malformed escape (`%zz`) or an absolute path
 * (`/files//etc/passwd`, `/files/%2Fetc`) is an `InvalidPathError` (400); the file system then
 * refuses `..`, backslashes and control characters itself.
 */
export function pathFromUrl(url: string, mount: string): string {
  const pathname = url.split(/[?#]/, 1)[0];
  const base = mount.endsWith('/') ? mount : `${mount}/`;
  if (!pathname.startsWith(base)) {
    throw new InvalidPathError(pathname, `the URL is not under ${base}`);
  }
  const raw = pathname.slice(base.length);
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    throw new InvalidPathError(raw, 'the URL has a malformed percent-encoding');
  }
  // aiofs would drop a leading '/', but over HTTP an absolute path is a traversal attempt.
  if (path.startsWith('/')) throw new InvalidPathError(path, 'absolute paths are refused');
  return path;
}

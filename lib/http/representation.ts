import { create as contentDisposition } from 'content-disposition';
import { lookup } from 'mime-types';

/** The media type of a path by its extension (the mime-db table), else application/octet-stream. */
export function contentTypeOf(path: string): string {
  return lookup(path) || 'application/octet-stream';
}

/**
 * `attachment; filename="…"` (or `inline`), with the RFC 5987 `filename*` form for names that are
 * not plain ASCII (RFC 6266), as the `content-disposition` package writes it.
 */
export function contentDispositionOf(
  filename: string,
  disposition: 'attachment' | 'inline',
): string {
  return contentDisposition(filename, { type: disposition });
}

/** The last segment of a normalised path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

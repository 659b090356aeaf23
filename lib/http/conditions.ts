import type { IncomingHttpHeaders } from 'node:http';
import fresh from 'fresh';
import type { FileStat } from '../core';
import { ownTag, parseEntityTags, strongMatch, weakMatch } from './entity-tags';

/** An HTTP-date as a time in whole seconds, or undefined when it is not a valid date. */
function httpDateSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** Last-Modified has whole seconds: compare at that precision. */
function modifiedSeconds(stat: FileStat | undefined): number | undefined {
  return stat?.modifiedAt ? Math.floor(stat.modifiedAt.getTime() / 1000) : undefined;
}

export function lastModifiedHeader(stat: FileStat): string | undefined {
  return stat.modifiedAt?.toUTCString();
}

/** A header's value; a repeated header is one comma-separated list (RFC 9110 §5.3). */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * RFC 9110 §13.1.1 If-Match: true when `*` and the file exists, or when one of the listed tags
 * matches the file's ETag by strong comparison. A file without an ETag matches no tag.
 */
function ifMatch(value: string, stat: FileStat | undefined): boolean {
  if (!stat) return false;
  const tags = parseEntityTags(value);
  if (tags === '*') return true;
  const own = ownTag(stat.etag);
  return !!own && !!tags && tags.some((tag) => strongMatch(tag, own));
}

/** RFC 9110 §13.1.4 If-Unmodified-Since: ignored when not a date or the file has no date. */
function ifUnmodifiedSince(value: string, stat: FileStat | undefined): boolean {
  const since = httpDateSeconds(value);
  const modified = modifiedSeconds(stat);
  if (since === undefined || modified === undefined) return true;
  return modified <= since;
}

/**
 * The first two steps of RFC 9110 §13.2.2, for every method: If-Match, else If-Unmodified-Since.
 * The name of the header whose condition is false (answer 412), or undefined.
 */
export function failedPrecondition(
  headers: IncomingHttpHeaders,
  stat: FileStat | undefined,
): string | undefined {
  const match = header(headers, 'if-match');
  if (match !== undefined) return ifMatch(match, stat) ? undefined : 'If-Match';
  const unmodified = header(headers, 'if-unmodified-since');
  if (unmodified !== undefined && !ifUnmodifiedSince(unmodified, stat)) {
    return 'If-Unmodified-Since';
  }
  return undefined;
}

/**
 * Steps 3–4 of RFC 9110 §13.2.2 for GET and HEAD: true when the client's copy is current (answer
 * 304): If-None-Match by weak comparison, else If-Modified-Since. Evaluated with `fresh` on these
 * two fields only — a `Cache-Control: no-cache` request still gets its 304, as §13.2.2 requires
 * of an origin server — and an If-Modified-Since later than now is ignored (§13.1.3).
 */
export function notModified(headers: IncomingHttpHeaders, stat: FileStat, now: number): boolean {
  const noneMatch = header(headers, 'if-none-match');
  let modifiedSince = header(headers, 'if-modified-since');
  const since = httpDateSeconds(modifiedSince);
  if (since === undefined || since > Math.floor(now / 1000)) modifiedSince = undefined;
  if (noneMatch === undefined && modifiedSince === undefined) return false;
  return fresh(
    { 'if-none-match': noneMatch, 'if-modified-since': modifiedSince },
    { etag: stat.etag, 'last-modified': lastModifiedHeader(stat) },
  );
}

/**
 * Step 3 of RFC 9110 §13.2.2 for a write: If-None-Match is false (answer 412) when `*` and the
 * file exists, or when a listed tag matches the file's ETag by weak comparison.
 */
export function noneMatchFails(headers: IncomingHttpHeaders, stat: FileStat | undefined): boolean {
  const value = header(headers, 'if-none-match');
  if (value === undefined || !stat) return false;
  const tags = parseEntityTags(value);
  if (tags === '*') return true;
  const own = ownTag(stat.etag);
  return !!own && !!tags && tags.some((tag) => weakMatch(tag, own));
}

/**
 * RFC 9110 §13.1.5 If-Range: true (send the range) when its entity tag strongly matches the
 * file's, or its date equals Last-Modified exactly and Last-Modified is a strong validator (at
 * least one second before now, §8.8.2.2). False sends the whole file.
 */
export function ifRangeHolds(value: string, stat: FileStat, now: number): boolean {
  const trimmed = value.trim();
  if (trimmed.startsWith('"') || trimmed.startsWith('W/')) {
    const tags = parseEntityTags(trimmed);
    const own = ownTag(stat.etag);
    return Array.isArray(tags) && tags.length === 1 && !!own && strongMatch(tags[0], own);
  }
  const date = httpDateSeconds(trimmed);
  const modified = modifiedSeconds(stat);
  if (date === undefined || modified === undefined) return false;
  return modified === date && stat.modifiedAt!.getTime() <= now - 1000;
}

/** An entity tag as sent in a header: `"opaque"` or `W/"opaque"` (RFC 9110 §8.8.3). */
export interface EntityTag {
  weak: boolean;
  opaque: string;
}

const TAG = /^\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)/;

/**
 * The tags of an If-Match / If-None-Match / If-Range value: `'*'`, a list, or undefined when the
 * value is not a valid list (then the condition is false for If-Match and If-Range, and the
 * header is ignored for If-None-Match — see `conditions.ts`). Commas inside a tag are kept.
 */
export function parseEntityTags(value: string): '*' | EntityTag[] | undefined {
  if (value.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  let rest = value;
  while (rest.trim() !== '') {
    if (/^\s*,/.test(rest)) {
      rest = rest.replace(/^\s*,/, ''); // empty list elements are allowed (RFC 9110 §5.6.1)
      continue;
    }
    const match = TAG.exec(rest);
    if (!match) return undefined;
    tags.push({ weak: match[1] !== undefined, opaque: match[2] });
    rest = rest.slice(match[0].length);
  }
  return tags.length > 0 ? tags : undefined;
}

/** The tag of our own `ETag` value, or undefined when the backend gave none or an odd one. */
export function ownTag(etag: string | undefined): EntityTag | undefined {
  if (etag === undefined) return undefined;
  const tags = parseEntityTags(etag);
  return Array.isArray(tags) && tags.length === 1 ? tags[0] : undefined;
}

/** RFC 9110 §8.8.3.2: both strong and the same. */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque;
}

/** RFC 9110 §8.8.3.2: the same, weak or not. */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque;
}

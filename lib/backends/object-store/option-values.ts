import { InvalidArgumentError } from '../../core';

/** The kind of a value, never its content (it may be a secret). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'that string';
  return typeof value;
}

export function optionalBoolean(name: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean')
    throw new InvalidArgumentError(`${name} must be a boolean, not ${describe(value)}`);
  return value;
}

/** `value` as a URL when it is a string holding an http(s) URL with a host; otherwise undefined. */
export function httpUrl(value: unknown): URL | undefined {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) {
    return undefined;
  }
  return url;
}

/** A whole number from `min` to `max`, or undefined when not given. */
export function wholeNumber(
  name: string,
  value: unknown,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      `${name} must be a whole number from ${min} to ${max}, not ${typeof value === 'number' ? value : describe(value)}`,
    );
  }
  return value;
}
